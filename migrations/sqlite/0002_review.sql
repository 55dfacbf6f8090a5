-- Reviewing: who may act (reviewers), who holds what (a lease on the claim row, never an open
-- transaction), and editor drafts that survive a dropped connection.

CREATE TABLE reviewers (
    login        TEXT    NOT NULL PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL,  -- reviewer | lead
    active       INTEGER NOT NULL DEFAULT 1
);

ALTER TABLE claims ADD COLUMN held_until INTEGER;  -- lease end of assigned_to's hold

CREATE TABLE drafts (
    reviewer   TEXT    NOT NULL,
    draft_key  TEXT    NOT NULL,  -- what the text is for, e.g. "comment:C-1" or "info:C-1,C-2"
    visibility TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL,
    PRIMARY KEY (reviewer, draft_key)
) WITHOUT ROWID;
