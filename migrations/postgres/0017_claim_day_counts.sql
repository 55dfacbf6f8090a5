-- The dashboard's maintained counters (issue 15): claims per queue state, contested flag and UTC
-- submission day, so the SLA and aging figures sum whole days from here and count only the
-- partial days at each bound from the tabs' submission indexes (store/dashboard.rs). Kept exact
-- by statement-level triggers on `claims` in the writing transaction: a bulk import or generate
-- pays once per statement, through its transition tables. `day` is days since 1970-01-01 (UTC).
-- Readable by every group through 0008's default privileges; written only by the triggers,
-- whose functions run as the store's owner (SECURITY DEFINER), so no login is granted a write.
--
-- A key's count is the SUM of its rows. Writers only append rows (what their statement changed),
-- so they never lock a row another writer needs: an upsert would, and a decision (which updates
-- claims, then takes the audit log's append lock, then refreshes contests) could deadlock with
-- another. The rows a statement touched are folded into one per key by whichever writer gets a
-- non-blocking advisory lock; the others skip the fold, so nobody ever waits for it.
CREATE TABLE claim_day_counts (
    queue_state    TEXT    NOT NULL,
    open_contested BOOLEAN NOT NULL,
    day            BIGINT  NOT NULL,
    n              BIGINT  NOT NULL
);
CREATE INDEX claim_day_counts_key ON claim_day_counts (queue_state, open_contested, day);

INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
SELECT queue_state, open_contested, (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01',
       COUNT(*)
FROM claims GROUP BY 1, 2, 3;

-- Appends `delta` (claims per key, from the transition tables), then folds those keys' rows.
CREATE FUNCTION claim_day_counts_add(delta jsonb) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
    SELECT d.queue_state, d.open_contested, d.day, d.n
    FROM jsonb_to_recordset(delta) AS d(queue_state TEXT, open_contested BOOLEAN, day BIGINT, n BIGINT);
    IF pg_try_advisory_xact_lock(hashtextextended('claim_day_counts:' || current_schema(), 0)) THEN
        WITH keys AS (
            SELECT DISTINCT d.queue_state, d.open_contested, d.day
            FROM jsonb_to_recordset(delta) AS d(queue_state TEXT, open_contested BOOLEAN, day BIGINT)),
        gone AS (
            DELETE FROM claim_day_counts c USING keys k
            WHERE c.queue_state = k.queue_state AND c.open_contested = k.open_contested
              AND c.day = k.day
            RETURNING c.queue_state, c.open_contested, c.day, c.n)
        INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
        SELECT queue_state, open_contested, day, SUM(n) FROM gone
        GROUP BY 1, 2, 3 HAVING SUM(n) <> 0;
    END IF;
END;
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
