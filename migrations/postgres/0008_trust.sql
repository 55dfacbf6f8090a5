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

-- PostgreSQL enforces who may do what. Three group roles per database, named in `store_roles`:
-- `reviewer` (reads everything; holds, comments, decisions, drafts; appends audit events),
-- `integration` (imports claims and reference data; decides nothing) and `lead` (both, and the
-- team in `reviewers`: granted each privilege itself, so no role membership is needed). Each reviewer logs in as a role of their own that is only a member of one
-- group (`claimdesk reviewer add` makes it) and owns nothing, so it cannot change or delete audit
-- events, disable their triggers or set session_replication_role. Role names are cluster-wide:
-- they carry the database's name (one store per database), and are created so that two stores
-- of one database migrating at once (parallel test schemas) both succeed. Creating them needs
-- CREATEROLE (or roles of these names made beforehand); an administrator without it gets a
-- working store that PostgreSQL does not police, and a warning.
CREATE TABLE store_roles (
    role    TEXT NOT NULL PRIMARY KEY,  -- reviewer | lead | integration
    pg_role TEXT NOT NULL
);

DO $$
DECLARE
    db   text := current_database();
    tag  text := CASE WHEN length(db) <= 36 THEN db ELSE left(db, 27) || '_' || left(md5(db), 8) END;
    r    text;
    name text;
BEGIN
    FOREACH r IN ARRAY ARRAY['reviewer', 'integration', 'lead'] LOOP
        name := format('claimdesk_%s_%s', tag, r);
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN
                    NULL;  -- made by another store of this database at the same moment
                WHEN insufficient_privilege THEN
                    -- Migrated without CREATEROLE: the store works, PostgreSQL does not enforce
                    -- its roles (README, "Security"); store_roles stays empty.
                    RAISE WARNING 'claimdesk: % may not create roles, so PostgreSQL will not enforce reviewers'' roles in this store', current_user;
                    RETURN;
            END;
        END IF;
        INSERT INTO store_roles (role, pg_role) VALUES (r, name);
    END LOOP;
END $$;

-- Grants `privileges` ON `target` to the group roles of `roles`; later migrations that add
-- tables grant their writes with it (reads come from the default privileges below).
CREATE FUNCTION store_grant(privileges text, target text, roles text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT pg_role FROM store_roles WHERE role = ANY (roles) ORDER BY role LOOP
        EXECUTE format('GRANT %s ON %s TO %I', privileges, target, name);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION store_grant(text, text, text[]) FROM PUBLIC;

DO $$
DECLARE
    s      text := quote_ident(current_schema());
    member text;
BEGIN
    PERFORM store_grant('USAGE', 'SCHEMA ' || s, ARRAY['reviewer', 'integration', 'lead']);
    PERFORM store_grant('SELECT', 'ALL TABLES IN SCHEMA ' || s, ARRAY['reviewer', 'integration', 'lead']);
    PERFORM store_grant('USAGE', 'ALL SEQUENCES IN SCHEMA ' || s, ARRAY['reviewer', 'integration', 'lead']);
    -- Tables created later by the administrator can be read by every group at once.
    FOR member IN SELECT pg_role FROM store_roles LOOP
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT SELECT ON TABLES TO %I', s, member);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT USAGE ON SEQUENCES TO %I', s, member);
    END LOOP;
END $$;

-- Reviewing: holds, comments, decisions, drafts, and the contest columns a decision refreshes.
SELECT store_grant('UPDATE (status, queue_state, version, assigned_to, held_until, incumbent_mpn_id, parties, open_contested)',
                   'TABLE claims', ARRAY['reviewer', 'lead']);
SELECT store_grant('INSERT', 'TABLE comments', ARRAY['reviewer', 'lead']);
SELECT store_grant('INSERT, UPDATE', 'TABLE decisions', ARRAY['reviewer', 'lead']);
SELECT store_grant('INSERT, UPDATE, DELETE', 'TABLE drafts', ARRAY['reviewer', 'lead']);
-- Importing: claims with their PoE and comments, reference data replaced, contests refreshed.
SELECT store_grant('INSERT', 'TABLE claims, poe, comments, tenants, tenant_domains, subscriptions, mpns, associations',
                   ARRAY['integration', 'lead']);
SELECT store_grant('UPDATE (incumbent_mpn_id, parties, open_contested)', 'TABLE claims', ARRAY['integration', 'lead']);
SELECT store_grant('UPDATE', 'TABLE subscriptions, mpns, associations', ARRAY['integration', 'lead']);
SELECT store_grant('DELETE', 'TABLE tenant_domains, subscriptions', ARRAY['integration', 'lead']);
-- Every group appends to the audit log, and none may change it: no UPDATE, DELETE, TRUNCATE.
SELECT store_grant('INSERT', 'TABLE events', ARRAY['reviewer', 'integration', 'lead']);
-- Managing the team.
SELECT store_grant('INSERT, UPDATE', 'TABLE reviewers', ARRAY['lead']);
