-- The change feed at any volume (issue 10): a bulk write (an import of many claims, one audit
-- event per claim, all in one transaction) is also recorded here as one row, so that a session
-- watching for changes is told "carol imported 100,000 claims" without reading and decoding each
-- of the events. The events themselves are appended and hash-chained as before: the audit log,
-- `claimdesk audit` and `audit --verify` do not read this table. Written in the same transaction
-- as the events, so a watcher sees both or neither.
CREATE TABLE bulk_writes (
    last_id  INTEGER NOT NULL PRIMARY KEY,  -- the run's newest event id
    first_id INTEGER NOT NULL,              -- its oldest
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    via      TEXT,
    claims   INTEGER NOT NULL               -- events in the run (one per claim)
);

CREATE TRIGGER bulk_writes_no_update BEFORE UPDATE ON bulk_writes
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER bulk_writes_no_delete BEFORE DELETE ON bulk_writes
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
