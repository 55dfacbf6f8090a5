-- Reviewing: who may act (reviewers), who holds what (a lease on the claim row, never an open
-- transaction), editor drafts that survive a dropped connection, and change notifications.

CREATE TABLE reviewers (
    login        TEXT    NOT NULL PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL,  -- reviewer | lead
    active       BOOLEAN NOT NULL DEFAULT TRUE
);

ALTER TABLE claims ADD COLUMN held_until TIMESTAMPTZ;  -- lease end of assigned_to's hold

CREATE TABLE drafts (
    reviewer   TEXT        NOT NULL,
    draft_key  TEXT        NOT NULL,  -- what the text is for, e.g. "comment:C-1" or "info:C-1,C-2"
    visibility TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reviewer, draft_key)
);

-- Every audited change tells listening sessions what changed: one notification per statement,
-- naming up to 50 claims (a bulk load says only how many), so a million-row import stays cheap.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    payload text;
BEGIN
    SELECT count(*) INTO n FROM new_events;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    IF n <= 50 THEN
        SELECT json_build_object(
                   'claims', coalesce(json_agg(DISTINCT claim_id) FILTER (WHERE claim_id IS NOT NULL), '[]'::json),
                   'kinds', json_agg(DISTINCT kind),
                   'actor', min(actor))::text
          INTO payload FROM new_events;
    ELSE
        SELECT json_build_object('bulk', n, 'actor', min(actor))::text INTO payload FROM new_events;
    END IF;
    PERFORM pg_notify('claimdesk_changes', payload);
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
