-- The queue filter folds case and diacritics as people type ("mul" finds Müller, "celik" Çelik):
-- the search text is now stored folded. SQL cannot fold it; the store refolds the claims that
-- have characters outside ASCII when it applies this migration (src/store/search.rs).

-- What each reviewer's workbench remembers between sessions (theme, sort, tab), by name.
-- Private settings, like drafts: readable by every group (default privileges), written by
-- the reviewers and leads who use the workbench.
CREATE TABLE preferences (
    reviewer TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (reviewer, name)
);
SELECT store_grant('INSERT, UPDATE', 'TABLE preferences', ARRAY['reviewer', 'lead']);
