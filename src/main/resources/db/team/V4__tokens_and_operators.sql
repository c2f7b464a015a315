-- Personal API tokens: a person's credential for scripts, bound to one site, with a role no higher
-- than their own there (and never higher than their role at the time of use). Only the hash is kept.
CREATE TABLE team_tokens (
    token_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX team_tokens_hash ON team_tokens (token_hash);
CREATE INDEX team_tokens_user ON team_tokens (user_id);

-- The instance's operators: they see every site and can create, suspend and delete them.
ALTER TABLE team_users ADD COLUMN operator INTEGER NOT NULL DEFAULT 0;
