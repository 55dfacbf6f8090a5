-- The lead's dashboard (issue 15): decisions, disputes, information requests and replies are
-- counted from the audit log by kind over a period, so the log gets an index in that order.
-- (Readable by every group through 0008's default privileges; an index needs no grant.)
CREATE INDEX events_kind_at ON events (kind, at);
