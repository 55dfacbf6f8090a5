-- Trust (issue 12): a tamper-evident audit log, and events that name their real author.

-- Each event holds a SHA-256 hash over the previous event's hash and its own fields
-- (store/chain.rs); `claimdesk audit --verify` finds the first event changed, removed or slipped
-- in. Events written before this migration are sealed into the chain when the administrator next
-- opens the store.
ALTER TABLE events ADD COLUMN hash TEXT;

-- Who wrote an event is the database login that inserted it: a login that is not the
-- administrator may record only itself as the actor, or as what the act came through (`via`:
-- the importer of a partner's reply). Checked once per statement, so a bulk import stays cheap.
CREATE FUNCTION events_check_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
       AND EXISTS (SELECT 1 FROM new_events
                   WHERE actor <> session_user AND via IS DISTINCT FROM session_user) THEN
        RAISE EXCEPTION 'audit events by % must name % as their actor or via', session_user, session_user;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_actor AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_check_actor();
