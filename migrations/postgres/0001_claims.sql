-- The claims store (PostgreSQL).

CREATE TABLE claims (
    claim_id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    partner_name      TEXT        NOT NULL,
    party_key         TEXT COLLATE "C" NOT NULL,  -- partner name, trimmed and lowercased: who competes
    mpn_id            TEXT        NOT NULL,
    tenant_id         UUID        NOT NULL,
    customer_domain   TEXT        NOT NULL,
    solution_area     TEXT        NOT NULL,
    activity          TEXT        NOT NULL,
    product           TEXT        NOT NULL,
    product_key       TEXT COLLATE "C" NOT NULL,  -- product, trimmed and lowercased
    subscription_id   TEXT,                  -- what the partner typed
    subscription_key  UUID,                  -- the typed id as a GUID, when it is one
    purchase_channel  TEXT        NOT NULL,
    submitted_at      TIMESTAMPTZ NOT NULL,
    status            TEXT        NOT NULL,
    queue_state       TEXT        NOT NULL,  -- review | info | closed: the queue tab a status falls in
    version           BIGINT      NOT NULL DEFAULT 1,
    parties           INTEGER     NOT NULL DEFAULT 0, -- open partners on tenant+product, + incumbent
    incumbent_mpn_id  TEXT,
    open_contested    BOOLEAN     NOT NULL DEFAULT FALSE, -- open and contested: the Contested tab
    assigned_to       TEXT,
    search            TEXT        NOT NULL   -- lowercased claim id, MPN, partner, domain, product
);

-- Text columns compared with so orders match SQLite's byte order exactly.
CREATE INDEX claims_state_submitted ON claims (queue_state, submitted_at, claim_id);
CREATE INDEX claims_state_party     ON claims (queue_state, party_key, claim_id);
CREATE INDEX claims_state_product   ON claims (queue_state, product_key, claim_id);
CREATE INDEX claims_state_id        ON claims (queue_state, claim_id);
CREATE INDEX claims_submitted       ON claims (submitted_at, claim_id);
CREATE INDEX claims_party           ON claims (party_key, claim_id);
CREATE INDEX claims_product         ON claims (product_key, claim_id);
CREATE INDEX claims_contested_submitted ON claims (submitted_at, claim_id) WHERE open_contested;
CREATE INDEX claims_contested_party     ON claims (party_key, claim_id) WHERE open_contested;
CREATE INDEX claims_contested_product   ON claims (product_key, claim_id) WHERE open_contested;
CREATE INDEX claims_contested_id        ON claims (claim_id) WHERE open_contested;
CREATE INDEX claims_assigned ON claims (assigned_to, submitted_at, claim_id) WHERE assigned_to IS NOT NULL;
CREATE INDEX claims_group ON claims (tenant_id, product_key);
CREATE INDEX claims_subscription ON claims (subscription_key) WHERE subscription_key IS NOT NULL;

CREATE TABLE poe (
    claim_id   TEXT    NOT NULL REFERENCES claims (claim_id),
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    date       DATE    NOT NULL,
    summary    TEXT    NOT NULL,
    by_whom    TEXT    NOT NULL,
    attachment TEXT    NOT NULL,
    PRIMARY KEY (claim_id, seq)
);

CREATE TABLE comments (
    id         BIGSERIAL   PRIMARY KEY,
    claim_id   TEXT        NOT NULL REFERENCES claims (claim_id),
    author     TEXT        NOT NULL,
    visibility TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX comments_claim ON comments (claim_id, at, id);

CREATE TABLE decisions (
    claim_id   TEXT        NOT NULL PRIMARY KEY REFERENCES claims (claim_id),
    outcome    TEXT        NOT NULL,
    decided_by TEXT        NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    reason     TEXT        NOT NULL
);

CREATE TABLE tenants (
    tenant_id UUID NOT NULL PRIMARY KEY
);

CREATE TABLE tenant_domains (
    tenant_id UUID NOT NULL REFERENCES tenants (tenant_id),
    domain    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, domain)
);

CREATE TABLE subscriptions (
    subscription_id UUID    NOT NULL PRIMARY KEY,
    tenant_id       UUID    NOT NULL REFERENCES tenants (tenant_id),
    product         TEXT    NOT NULL,
    dynamics        BOOLEAN NOT NULL,
    channel         TEXT    NOT NULL,
    state           TEXT    NOT NULL
);
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE mpns (
    mpn_id       TEXT    NOT NULL PRIMARY KEY,
    partner      TEXT    NOT NULL,
    enrolled     BOOLEAN NOT NULL,
    partner_type TEXT
);

-- An existing association of a product on a tenant with a partner: the incumbent.
CREATE TABLE associations (
    tenant_id   UUID NOT NULL,
    product_key TEXT NOT NULL,
    product     TEXT NOT NULL,
    mpn_id      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, product_key)
);

-- The audit log: append-only, enforced by the trigger below.
CREATE TABLE events (
    id       BIGSERIAL   PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    actor    TEXT        NOT NULL,
    claim_id TEXT,
    kind     TEXT        NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE INDEX events_claim ON events (claim_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
