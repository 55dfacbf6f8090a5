-- Filter as you type at scale: a trigram index over the lowercased search text, so a substring
-- of three or more characters finds its claims without reading the whole table.
CREATE VIRTUAL TABLE claims_fts USING fts5(
    search, content = 'claims', content_rowid = 'rowid', tokenize = 'trigram', detail = 'none'
);
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
CREATE TRIGGER claims_fts_update AFTER UPDATE OF search ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO claims_fts (rowid, search) VALUES (new.rowid, new.search);
END;
