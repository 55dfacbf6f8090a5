-- An association ends when the approval that made it no longer stands (issue 11: an approval
-- overturned on dispute, or a lead's override of it): the decision deletes the row, audited as
-- association_changed with no `after`. SQLite has no roles to grant it to (see the PostgreSQL
-- migration of the same number), so nothing changes in the schema.
SELECT 1;
