-- Anchors: RFC 3161 time-stamps of the chain head, recorded as `anchor.recorded` entries (docs/FORMAT.md §3).
-- State kept by the projection for quick questions ("when was the record last anchored?"); the token itself
-- stays in the journal entry.

CREATE TABLE anchor (
    seq         INTEGER PRIMARY KEY,
    covers_seq  INTEGER NOT NULL,
    covers_hash TEXT NOT NULL,
    tsa_url     TEXT NOT NULL,
    tsa_name    TEXT NOT NULL,
    gen_time    TEXT NOT NULL
);
CREATE INDEX anchor_covers ON anchor (covers_seq);
