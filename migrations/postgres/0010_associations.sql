-- Associations (issue 11): an approval makes the association, MPNs grouped into partners, and
-- who competes is the partner, not the MPN.

-- MPNs with the same partner_id are one partner; party_key is the partner name as compared
-- (trimmed, lowercased by claimdesk on import; lower() here is a best effort for stored rows).
ALTER TABLE mpns ADD COLUMN partner_id TEXT;
ALTER TABLE mpns ADD COLUMN party_key TEXT;
UPDATE mpns SET party_key = lower(trim(partner));

-- Who a claim competes as: 'id:' || its MPN's partner_id when the store knows one, else
-- 'name:' || party_key. Claims with the same partner_key are one party.
ALTER TABLE claims ADD COLUMN partner_key TEXT NOT NULL DEFAULT '';
UPDATE claims SET partner_key = 'name:' || party_key;

-- The approved claim that made the association (NULL: imported as reference data). That claim
-- stays a party of its contest while the association holds.
ALTER TABLE associations ADD COLUMN claim_id TEXT;

-- An approval writes the association (reviewers and leads); an import that changes an MPN's
-- partner_id moves its claims to that partner (integration and leads).
SELECT store_grant('INSERT, UPDATE', 'TABLE associations', ARRAY['reviewer', 'lead']);
SELECT store_grant('UPDATE (partner_key)', 'TABLE claims', ARRAY['integration', 'lead']);
