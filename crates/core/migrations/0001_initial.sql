-- Evident vault schema, version 1. Forward-only: never edit a released migration; add the next file.
-- The journal is the record; every other table is state kept in step with it in the same transaction.

CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY,
    recorded_at  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      BLOB NOT NULL,
    payload_hash BLOB NOT NULL,
    body_hash    BLOB NOT NULL,
    prev_hash    BLOB NOT NULL,
    entry_hash   BLOB NOT NULL,
    incident_id  INTEGER
);
CREATE INDEX journal_incident ON journal (incident_id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE incident (
    id           INTEGER PRIMARY KEY,
    fields       TEXT NOT NULL,
    occurred_utc INTEGER,
    kind         TEXT,
    channel      TEXT,
    recorded_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX incident_occurred ON incident (occurred_utc DESC, id DESC);

CREATE VIRTUAL TABLE incident_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE amendment (
    seq         INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL
);
CREATE INDEX amendment_incident ON amendment (incident_id);

CREATE TABLE person (
    id     INTEGER PRIMARY KEY,
    fields TEXT NOT NULL,
    name   TEXT NOT NULL
);

CREATE TABLE incident_person (
    incident_id INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    role        TEXT NOT NULL,
    PRIMARY KEY (incident_id, person_id, role)
);
CREATE INDEX incident_person_person ON incident_person (person_id);

CREATE TABLE attachment (
    id               INTEGER PRIMARY KEY,
    incident_id      INTEGER NOT NULL,
    sha256           TEXT NOT NULL,
    size             INTEGER NOT NULL,
    meta             TEXT NOT NULL,
    added_at         TEXT NOT NULL,
    added_seq        INTEGER NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_seq    INTEGER,
    withdrawn_reason TEXT
);
CREATE INDEX attachment_incident ON attachment (incident_id);

CREATE TABLE attachment_chunk (
    attachment_id INTEGER NOT NULL,
    idx           INTEGER NOT NULL,
    data          BLOB NOT NULL
);
CREATE UNIQUE INDEX attachment_chunk_pos ON attachment_chunk (attachment_id, idx);

CREATE TABLE preview (
    attachment_id INTEGER PRIMARY KEY,
    media_type    TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    data          BLOB NOT NULL
);

CREATE TABLE report (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    fields      TEXT NOT NULL
);
CREATE INDEX report_incident ON report (incident_id);

CREATE TABLE pack (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    meta        TEXT NOT NULL
);

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
