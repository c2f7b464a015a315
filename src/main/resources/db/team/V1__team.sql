-- People, their roles on sites, their sessions and the links that let them join. Written once for
-- both engines: only types and statements SQLite and PostgreSQL read alike.

-- Every write bumps the version, so each node notices a change with one small read.
CREATE TABLE team_meta (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO team_meta (id, version) VALUES (1, 0);

CREATE TABLE team_users (
    user_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,              -- lower-cased: e-mails compare without case
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,      -- Argon2id, PHC string
    status TEXT NOT NULL,             -- active | suspended
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT
);
CREATE UNIQUE INDEX team_users_email ON team_users (email);

CREATE TABLE team_members (
    user_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    role TEXT NOT NULL,               -- viewer | agent | admin | owner
    since BIGINT NOT NULL,
    PRIMARY KEY (user_id, site_id)
);
CREATE INDEX team_members_site ON team_members (site_id);

-- The token itself is never stored: only its SHA-256.
CREATE TABLE team_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX team_sessions_user ON team_sessions (user_id);

CREATE TABLE team_invitations (
    invitation_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    kind TEXT NOT NULL,               -- join | reset
    site_id TEXT,
    email TEXT NOT NULL,
    role TEXT,
    created_by TEXT NOT NULL,         -- a user id, or 'cli' / 'key'
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE UNIQUE INDEX team_invitations_token ON team_invitations (token_hash);
CREATE INDEX team_invitations_site ON team_invitations (site_id);
