-- Filter as you type at scale: a trigram GIN index over the lowercased search text.
-- pg_trgm is a trusted extension; it lives in public so every schema can use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX claims_search_trgm ON claims USING gin (search public.gin_trgm_ops);
