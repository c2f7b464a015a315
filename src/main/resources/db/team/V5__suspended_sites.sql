-- Sites an operator suspended: their keys are refused and their sockets closed on every node.
CREATE TABLE team_suspended_sites (
    site_id TEXT PRIMARY KEY,
    suspended_at BIGINT NOT NULL,
    suspended_by TEXT NOT NULL
);
