-- Who an act was done through, when not by the actor directly: the importer's login for a
-- partner's reply that came in through the feed, the administrator acting for a reviewer, the
-- SSH key a session proved. NULL when the actor acted directly.
ALTER TABLE events ADD COLUMN via TEXT;
