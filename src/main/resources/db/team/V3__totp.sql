-- The optional second factor. A secret waits in totp_pending until the person proves their app
-- has it; totp_last_step keeps a code from being used twice. Recovery codes are stored hashed.
ALTER TABLE team_users ADD COLUMN totp_secret TEXT;
ALTER TABLE team_users ADD COLUMN totp_pending TEXT;
ALTER TABLE team_users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE team_recovery_codes (
    user_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
