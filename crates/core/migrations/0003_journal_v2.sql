-- Journal format version 2 (docs/FORMAT.md §6). Past entries are not changed: their payloads stay as written.
-- `openings`: the salts and values of a version-2 payload's committed values (kept beside the entry, outside its
-- hash; inside this encrypted database). `person_id`: the person a person.recorded or person.amended entry is
-- about, so each new entry can link back to the previous one about the same person (filled in for past entries).
ALTER TABLE journal ADD COLUMN openings TEXT;
ALTER TABLE journal ADD COLUMN person_id INTEGER;
UPDATE journal SET person_id = json_extract(CAST(payload AS TEXT), '$.person_id')
    WHERE kind IN ('person.recorded', 'person.amended');
CREATE INDEX journal_person ON journal (person_id);
