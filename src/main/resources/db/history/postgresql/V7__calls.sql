-- Calls in Tippen itself: an invite whose call ran here (is_call = 1), when its browsers connected,
-- when and why it ended, and the agent's word on it afterwards. The index serves GET /api/calls.
ALTER TABLE invites ADD COLUMN is_call INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invites ADD COLUMN connected_at BIGINT;
ALTER TABLE invites ADD COLUMN ended_at BIGINT;
ALTER TABLE invites ADD COLUMN end_reason TEXT;
ALTER TABLE invites ADD COLUMN lead_quality TEXT;
ALTER TABLE invites ADD COLUMN rating INTEGER;
ALTER TABLE invites ADD COLUMN notes TEXT;
ALTER TABLE invites ADD COLUMN feedback_by_id TEXT;
ALTER TABLE invites ADD COLUMN feedback_at BIGINT;
CREATE INDEX invites_calls ON invites (site_id, is_call, sent_at, invite_id);
