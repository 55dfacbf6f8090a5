-- Drafts carry a version that every save raises (issue 13): a second session of the same
-- reviewer saving over a draft it has not seen is told, even when the other session wrote the
-- same text back. The save compares and sets the version in one transaction.
ALTER TABLE drafts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- Grants as in 0008: the reviewers and leads who keep drafts write the new column too (0008
-- granted the whole table; said again here so the column's writers are explicit).
SELECT store_grant('INSERT, UPDATE, DELETE', 'TABLE drafts', ARRAY['reviewer', 'lead']);
