-- The claim's whole life (issue 11): the partner feed's lines (reply, withdrawal, dispute),
-- the time a claim waits on its partner, and disputes.

-- Every feed line applied, with its content: replaying one changes nothing, the same id with
-- other content is refused. `line_id` is the reply_id, the dispute_id, or (a withdrawal) the
-- claim id.
CREATE TABLE feed_lines (
    kind     TEXT COLLATE "C" NOT NULL,  -- reply | withdrawal | dispute
    line_id  TEXT COLLATE "C" NOT NULL,
    claim_id TEXT COLLATE "C" NOT NULL REFERENCES claims (claim_id),
    at       TIMESTAMPTZ NOT NULL,
    content  TEXT        NOT NULL,       -- the line's fields as canonical JSON
    PRIMARY KEY (kind, line_id)
);

-- Each stretch a claim spent in info_requested: open (ended_at NULL) while it waits.
CREATE TABLE pauses (
    claim_id   TEXT COLLATE "C" NOT NULL REFERENCES claims (claim_id),
    started_at TIMESTAMPTZ NOT NULL,
    ended_at   TIMESTAMPTZ,
    PRIMARY KEY (claim_id, started_at)
);

-- A partner's dispute of a decision, with the decision it disputes.
CREATE TABLE disputes (
    dispute_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    claim_id     TEXT COLLATE "C" NOT NULL REFERENCES claims (claim_id),
    at           TIMESTAMPTZ NOT NULL,
    body         TEXT        NOT NULL,
    outcome      TEXT        NOT NULL,   -- the disputed decision
    decided_by   TEXT        NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    reason       TEXT        NOT NULL
);
CREATE INDEX disputes_claim ON disputes (claim_id, at);

-- Who writes them (migration 0008's groups; every group reads them by default privileges).
-- The feed (integration, or a lead importing it): its lines, disputes, a reply ending a wait and
-- bringing the claim back under review.
SELECT store_grant('INSERT', 'TABLE feed_lines, disputes', ARRAY['integration', 'lead']);
SELECT store_grant('UPDATE (status, queue_state, version)', 'TABLE claims', ARRAY['integration']);
-- A wait starts with a reviewer's request and ends with a reply, a review or a decision.
SELECT store_grant('INSERT, UPDATE', 'TABLE pauses', ARRAY['reviewer', 'integration', 'lead']);

-- ... and only as the feed does: an integration login moves a claim back under review (a
-- reply), withdraws it or disputes it, never decides it. Column privileges cannot say which
-- values, so this trigger does (a reviewer's or lead's login, and the owner, pass).
CREATE FUNCTION claims_feed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NEW.status NOT IN ('under_review', 'withdrawn', 'disputed')
       AND EXISTS (SELECT 1 FROM store_roles
                   WHERE role = 'integration' AND pg_has_role(current_user, pg_role, 'MEMBER'))
       AND NOT EXISTS (SELECT 1 FROM store_roles
                       WHERE role IN ('reviewer', 'lead') AND pg_has_role(current_user, pg_role, 'MEMBER'))
    THEN
        RAISE EXCEPTION 'an integration login changes a claim''s status only as the partner feed does (not to %)', NEW.status
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER claims_feed_guard BEFORE UPDATE OF status ON claims
    FOR EACH ROW EXECUTE FUNCTION claims_feed_guard();
