-- The claim's whole life (issue 11): the partner feed's lines (reply, withdrawal, dispute),
-- the time a claim waits on its partner, and disputes.

-- Every feed line applied, with its content: replaying one changes nothing, the same id with
-- other content is refused. `line_id` is the reply_id, the dispute_id, or (a withdrawal) the
-- claim id.
CREATE TABLE feed_lines (
    kind     TEXT    NOT NULL,  -- reply | withdrawal | dispute
    line_id  TEXT    NOT NULL,
    claim_id TEXT    NOT NULL REFERENCES claims (claim_id),
    at       INTEGER NOT NULL,
    content  TEXT    NOT NULL,  -- the line's fields as canonical JSON
    PRIMARY KEY (kind, line_id)
) WITHOUT ROWID;

-- Each stretch a claim spent in info_requested: open (ended_at NULL) while it waits.
CREATE TABLE pauses (
    claim_id   TEXT    NOT NULL REFERENCES claims (claim_id),
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    PRIMARY KEY (claim_id, started_at)
) WITHOUT ROWID;

-- A partner's dispute of a decision, with the decision it disputes.
CREATE TABLE disputes (
    dispute_id   TEXT    NOT NULL PRIMARY KEY,
    claim_id     TEXT    NOT NULL REFERENCES claims (claim_id),
    at           INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    outcome      TEXT    NOT NULL,  -- the disputed decision
    decided_by   TEXT    NOT NULL,
    decided_at   INTEGER NOT NULL,
    reason       TEXT    NOT NULL
);
CREATE INDEX disputes_claim ON disputes (claim_id, at);
