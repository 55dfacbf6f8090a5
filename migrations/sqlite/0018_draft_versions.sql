-- Drafts carry a version that every save raises (issue 13): a second session of the same
-- reviewer saving over a draft it has not seen is told, even when the other session wrote the
-- same text back. The save compares and sets the version in one transaction.
ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
