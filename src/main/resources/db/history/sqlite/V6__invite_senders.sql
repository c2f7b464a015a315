-- Who sent each invite: a person's user id and name as it was then; both null for the site's API
-- key (every invite before people had accounts). The index serves the invites-by-agent report.
ALTER TABLE invites ADD COLUMN sent_by_id TEXT;
ALTER TABLE invites ADD COLUMN sent_by_name TEXT;
CREATE INDEX invites_sent ON invites (site_id, sent_at);
