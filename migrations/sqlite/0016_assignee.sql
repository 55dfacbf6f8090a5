-- A lead's assignment apart from the hold (follow-up of issue 11): `assigned_to` + `held_until`
-- stay the hold (who works on the claim now, until when); `assignee` is whom a lead assigned the
-- claim to. Releasing a hold, or its lapsing, keeps the assignment, so the claim stays in the
-- assignee's Mine. Existing assignments (a name without a lease) move over and stop posing as
-- holds. (Only a lead assigns: the PostgreSQL migration grants it; SQLite has no roles.)
ALTER TABLE claims ADD COLUMN assignee TEXT;
UPDATE claims SET assignee = assigned_to, assigned_to = NULL
 WHERE assigned_to IS NOT NULL AND held_until IS NULL;
CREATE INDEX claims_assignee ON claims (assignee, submitted_at, claim_id) WHERE assignee IS NOT NULL;
