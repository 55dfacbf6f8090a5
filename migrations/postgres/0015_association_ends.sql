-- An association ends when the approval that made it no longer stands (issue 11: an approval
-- overturned on dispute, or a lead's override of it): the deciding reviewer or lead deletes the
-- row in the decision's transaction, audited as association_changed with no `after`.
SELECT store_grant('DELETE', 'TABLE associations', ARRAY['reviewer', 'lead']);
