-- Who did what on a site: ids and roles only, never secrets, passwords or visitor data. The id
-- sorts by time (a fixed-width millisecond count, then a random tail), so pages read newest first
-- by id alone.
CREATE TABLE team_audit (
    audit_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_type TEXT NOT NULL,         -- user | apiKey | cli | system
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);
CREATE INDEX team_audit_site ON team_audit (site_id, audit_id);
