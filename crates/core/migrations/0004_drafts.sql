-- Drafts: an incident (or an amendment) being written but not saved yet, kept inside the encrypted vault so that
-- leaving the screen, a lock, an auto-lock, a crash or kill -9 loses no word. Not part of the record: never in
-- the journal, never in a pack, not compared by the full check. A draft is removed when its form is saved or
-- when the person discards it (secure_delete zeroes the freed pages).

CREATE TABLE draft (
    slot     TEXT PRIMARY KEY,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
