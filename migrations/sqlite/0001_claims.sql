-- The claims store (SQLite). Times are INTEGER microseconds since the Unix epoch (UTC), so they
-- sort and compare exactly; GUIDs are lowercase hyphenated TEXT.

CREATE TABLE claims (
    claim_id          TEXT    NOT NULL PRIMARY KEY,
    partner_name      TEXT    NOT NULL,
    party_key         TEXT    NOT NULL,  -- partner name, trimmed and lowercased: who competes
    mpn_id            TEXT    NOT NULL,
    tenant_id         TEXT    NOT NULL,
    customer_domain   TEXT    NOT NULL,
    solution_area     TEXT    NOT NULL,
    activity          TEXT    NOT NULL,
    product           TEXT    NOT NULL,
    product_key       TEXT    NOT NULL,  -- product, trimmed and lowercased
    subscription_id   TEXT,              -- what the partner typed
    subscription_key  TEXT,              -- the typed id as a GUID, when it is one
    purchase_channel  TEXT    NOT NULL,
    submitted_at      INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    queue_state       TEXT    NOT NULL,  -- review | info | closed: the queue tab a status falls in
    version           INTEGER NOT NULL DEFAULT 1,
    parties           INTEGER NOT NULL DEFAULT 0, -- open partners on tenant+product, + incumbent
    incumbent_mpn_id  TEXT,
    open_contested    INTEGER NOT NULL DEFAULT 0, -- open and contested: the Contested tab
    assigned_to       TEXT,
    search            TEXT    NOT NULL   -- lowercased claim id, MPN, partner, domain, product
);

-- One index per queue order, led by the tab's column so every window is an index range.
CREATE INDEX claims_state_submitted ON claims (queue_state, submitted_at, claim_id);
CREATE INDEX claims_state_party     ON claims (queue_state, party_key, claim_id);
CREATE INDEX claims_state_product   ON claims (queue_state, product_key, claim_id);
CREATE INDEX claims_state_id        ON claims (queue_state, claim_id);
CREATE INDEX claims_submitted       ON claims (submitted_at, claim_id);
CREATE INDEX claims_party           ON claims (party_key, claim_id);
CREATE INDEX claims_product         ON claims (product_key, claim_id);
CREATE INDEX claims_contested_submitted ON claims (submitted_at, claim_id) WHERE open_contested = 1;
CREATE INDEX claims_contested_party     ON claims (party_key, claim_id)    WHERE open_contested = 1;
CREATE INDEX claims_contested_product   ON claims (product_key, claim_id)  WHERE open_contested = 1;
CREATE INDEX claims_contested_id        ON claims (claim_id)               WHERE open_contested = 1;
CREATE INDEX claims_assigned ON claims (assigned_to, submitted_at, claim_id) WHERE assigned_to IS NOT NULL;
CREATE INDEX claims_group ON claims (tenant_id, product_key);
CREATE INDEX claims_subscription ON claims (subscription_key) WHERE subscription_key IS NOT NULL;

CREATE TABLE poe (
    claim_id   TEXT    NOT NULL REFERENCES claims (claim_id),
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    date       TEXT    NOT NULL,  -- YYYY-MM-DD
    summary    TEXT    NOT NULL,
    by_whom    TEXT    NOT NULL,
    attachment TEXT    NOT NULL,
    PRIMARY KEY (claim_id, seq)
) WITHOUT ROWID;

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id   TEXT    NOT NULL REFERENCES claims (claim_id),
    author     TEXT    NOT NULL,
    visibility TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX comments_claim ON comments (claim_id, at, id);

CREATE TABLE decisions (
    claim_id   TEXT    NOT NULL PRIMARY KEY REFERENCES claims (claim_id),
    outcome    TEXT    NOT NULL,
    decided_by TEXT    NOT NULL,
    decided_at INTEGER NOT NULL,
    reason     TEXT    NOT NULL
);

CREATE TABLE tenants (
    tenant_id TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE tenant_domains (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    domain    TEXT NOT NULL,  -- as given
    PRIMARY KEY (tenant_id, domain)
) WITHOUT ROWID;

CREATE TABLE subscriptions (
    subscription_id TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (tenant_id),
    product         TEXT    NOT NULL,
    dynamics        INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    state           TEXT    NOT NULL
);
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE mpns (
    mpn_id       TEXT    NOT NULL PRIMARY KEY,
    partner      TEXT    NOT NULL,
    enrolled     INTEGER NOT NULL,
    partner_type TEXT
);

-- An existing association of a product on a tenant with a partner: the incumbent.
CREATE TABLE associations (
    tenant_id   TEXT NOT NULL,
    product_key TEXT NOT NULL,
    product     TEXT NOT NULL,
    mpn_id      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, product_key)
) WITHOUT ROWID;

-- The audit log: append-only, enforced below.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    claim_id TEXT,
    kind     TEXT    NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE INDEX events_claim ON events (claim_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
