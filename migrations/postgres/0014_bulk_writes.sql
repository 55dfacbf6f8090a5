-- The change feed at any volume (issue 10): a bulk write (an import of many claims, one audit
-- event per claim, all in one transaction) is also recorded here as one row, so that a session
-- watching for changes is told "carol imported 100,000 claims" without reading and decoding each
-- of the events. The events themselves are appended and hash-chained as before: the audit log,
-- `claimdesk audit` and `audit --verify` do not read this table. Written in the same transaction
-- as the events, so a watcher sees both or neither.
CREATE TABLE bulk_writes (
    last_id  BIGINT      NOT NULL PRIMARY KEY,  -- the run's newest event id
    first_id BIGINT      NOT NULL,              -- its oldest
    at       TIMESTAMPTZ NOT NULL,
    actor    TEXT        NOT NULL,
    via      TEXT,
    claims   BIGINT      NOT NULL               -- events in the run (one per claim)
);

-- Append-only like the events, and a login that is not the administrator may record only
-- itself (as actor or via), checked by the events' own function.
CREATE TRIGGER bulk_writes_no_update_delete BEFORE UPDATE OR DELETE ON bulk_writes
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER bulk_writes_no_truncate BEFORE TRUNCATE ON bulk_writes
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
CREATE TRIGGER bulk_writes_actor AFTER INSERT ON bulk_writes
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_check_actor();

-- Every group reads them (the change feed); whoever imports records its bulk writes.
SELECT store_grant('SELECT', 'TABLE bulk_writes', ARRAY['reviewer', 'integration', 'lead']);
SELECT store_grant('INSERT', 'TABLE bulk_writes', ARRAY['integration', 'lead']);
