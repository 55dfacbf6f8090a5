-- The queue filter folds case and diacritics as people type ("mul" finds Müller, "celik" Çelik):
-- the search text is now stored folded. SQL cannot fold it; the store refolds the claims that
-- have characters outside ASCII when it applies this migration (src/store/search.rs).

-- What each reviewer's workbench remembers between sessions (theme, sort, tab), by name.
CREATE TABLE preferences (
    reviewer TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (reviewer, name)
) WITHOUT ROWID;
