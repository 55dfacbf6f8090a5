-- The dashboard's maintained counters (issue 15): claims per queue state, contested flag and UTC
-- submission day, so the SLA and aging figures sum whole days from here and count only the
-- partial days at each bound from the tabs' submission indexes (store/dashboard.rs). Kept exact
-- by statement-level triggers on `claims` in the writing transaction: a bulk import or generate
-- pays once per statement, through its transition tables. `day` is days since 1970-01-01 (UTC).
-- Readable by every group through 0008's default privileges; written only by the triggers,
-- whose functions run as the store's owner (SECURITY DEFINER), so no login is granted a write.
CREATE TABLE claim_day_counts (
    queue_state    TEXT    NOT NULL,
    open_contested BOOLEAN NOT NULL,
    day            BIGINT  NOT NULL,
    n              BIGINT  NOT NULL,
    PRIMARY KEY (queue_state, open_contested, day)
);

INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
SELECT queue_state, open_contested, (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01',
       COUNT(*)
FROM claims GROUP BY 1, 2, 3;

-- Adds `delta` (claims per key, from the transition tables) to the counters, in key order so
-- two writers lock the rows they share in the same order.
CREATE FUNCTION claim_day_counts_add(delta jsonb) RETURNS void LANGUAGE sql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
    INSERT INTO claim_day_counts AS c (queue_state, open_contested, day, n)
    SELECT d.queue_state, d.open_contested, d.day, d.n
    FROM jsonb_to_recordset(delta) AS d(queue_state TEXT, open_contested BOOLEAN, day BIGINT, n BIGINT)
    ORDER BY 1, 2, 3
    ON CONFLICT (queue_state, open_contested, day) DO UPDATE SET n = c.n + EXCLUDED.n;
$$;

CREATE FUNCTION claim_day_counts_inserted() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM claim_day_counts_add(COALESCE(jsonb_agg(d), '[]')) FROM (
        SELECT queue_state, open_contested,
               (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day, COUNT(*) AS n
        FROM new_claims GROUP BY 1, 2, 3) d;
    RETURN NULL;
END;
$$;

CREATE FUNCTION claim_day_counts_updated() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM claim_day_counts_add(COALESCE(jsonb_agg(d), '[]')) FROM (
        SELECT queue_state, open_contested, day, SUM(n) AS n FROM (
            SELECT queue_state, open_contested,
                   (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day, 1 AS n
            FROM new_claims
            UNION ALL
            SELECT queue_state, open_contested,
                   (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day, -1 AS n
            FROM old_claims) x
        GROUP BY 1, 2, 3 HAVING SUM(n) <> 0) d;
    RETURN NULL;
END;
$$;

CREATE FUNCTION claim_day_counts_deleted() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM claim_day_counts_add(COALESCE(jsonb_agg(d), '[]')) FROM (
        SELECT queue_state, open_contested,
               (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day, -COUNT(*) AS n
        FROM old_claims GROUP BY 1, 2, 3) d;
    RETURN NULL;
END;
$$;

REVOKE ALL ON FUNCTION claim_day_counts_add(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_day_counts_inserted() FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_day_counts_updated() FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_day_counts_deleted() FROM PUBLIC;

CREATE TRIGGER claim_day_counts_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_claims
    FOR EACH STATEMENT EXECUTE FUNCTION claim_day_counts_inserted();
CREATE TRIGGER claim_day_counts_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims
    FOR EACH STATEMENT EXECUTE FUNCTION claim_day_counts_updated();
CREATE TRIGGER claim_day_counts_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_claims
    FOR EACH STATEMENT EXECUTE FUNCTION claim_day_counts_deleted();
