-- How an attachment was captured and on which device, in the diarist's words (the newest `attachment.described`
-- entry about it; each earlier one stays in the journal). Null until described.

ALTER TABLE attachment ADD COLUMN capture_method TEXT;
ALTER TABLE attachment ADD COLUMN device TEXT;
