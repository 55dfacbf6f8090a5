-- The dashboard's maintained counters (issue 15): claims per queue state, contested flag and UTC
-- submission day, so the SLA and aging figures sum whole days from here and count only the
-- partial days at each bound from the tabs' submission indexes (store/dashboard.rs). Kept exact
-- by triggers on `claims` in the writing transaction. `day` is days since 1970-01-01 (UTC) of
-- `submitted_at` (microseconds). (Written only by the triggers; SQLite has no roles.)
CREATE TABLE claim_day_counts (
    queue_state    TEXT    NOT NULL,
    open_contested INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    n              INTEGER NOT NULL,
    PRIMARY KEY (queue_state, open_contested, day)
) WITHOUT ROWID;

INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
SELECT queue_state, open_contested, submitted_at / 86400000000, COUNT(*)
FROM claims GROUP BY 1, 2, 3;

CREATE TRIGGER claim_day_counts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
    VALUES (NEW.queue_state, NEW.open_contested, NEW.submitted_at / 86400000000, 1)
    ON CONFLICT (queue_state, open_contested, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_day_counts_update AFTER UPDATE OF queue_state, open_contested, submitted_at
ON claims
WHEN OLD.queue_state IS NOT NEW.queue_state OR OLD.open_contested IS NOT NEW.open_contested
  OR OLD.submitted_at / 86400000000 IS NOT NEW.submitted_at / 86400000000
BEGIN
    UPDATE claim_day_counts SET n = n - 1
    WHERE queue_state = OLD.queue_state AND open_contested = OLD.open_contested
      AND day = OLD.submitted_at / 86400000000;
    INSERT INTO claim_day_counts (queue_state, open_contested, day, n)
    VALUES (NEW.queue_state, NEW.open_contested, NEW.submitted_at / 86400000000, 1)
    ON CONFLICT (queue_state, open_contested, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_day_counts_delete AFTER DELETE ON claims BEGIN
    UPDATE claim_day_counts SET n = n - 1
    WHERE queue_state = OLD.queue_state AND open_contested = OLD.open_contested
      AND day = OLD.submitted_at / 86400000000;
END;
