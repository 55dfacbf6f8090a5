-- SSH keys (issue 14): which reviewer a key signs in as through `claimdesk serve`. A lead
-- registers them (`claimdesk reviewer key add`), audited as key_added / key_removed.
CREATE TABLE reviewer_keys (
    fingerprint TEXT        NOT NULL PRIMARY KEY,  -- SHA256:..., as ssh-keygen -l prints it
    login       TEXT        NOT NULL REFERENCES reviewers (login),
    public_key  TEXT        NOT NULL,              -- ALGORITHM BASE64, without the comment
    comment     TEXT        NOT NULL DEFAULT '',
    added_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviewer_keys_login ON reviewer_keys (login);

-- Every group reads it (default privileges, migration 0008); only a lead manages keys.
SELECT store_grant('INSERT, DELETE', 'TABLE reviewer_keys', ARRAY['lead']);
