-- A tamper-evident audit log: each event holds a SHA-256 hash over the previous event's hash and
-- its own fields (store/chain.rs), so `claimdesk audit --verify` finds the first event that was
-- changed, removed or slipped in. Events written before this migration are sealed into the chain
-- when the store is next opened.
ALTER TABLE events ADD COLUMN hash TEXT;

-- INSERT OR REPLACE deletes the row it replaces without firing the delete trigger: refuse any
-- insert whose id is already taken, so an event can never be replaced.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
