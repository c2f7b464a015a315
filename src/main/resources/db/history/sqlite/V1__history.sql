-- Visits as they happened: one row per visit, its pages and invites, and daily rollups that
-- reports read instead of the raw rows. Times are epoch milliseconds; days are UTC day numbers.
CREATE TABLE visits (
  site_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visit_number INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  day INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT,
  page_views INTEGER NOT NULL,
  entry_url TEXT,
  exit_url TEXT,
  referrer TEXT,
  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,
  source TEXT NOT NULL,
  company TEXT, company_domain TEXT, network TEXT, asn INTEGER,
  country TEXT, country_name TEXT, region TEXT, city TEXT,
  device TEXT, os TEXT, browser TEXT,
  bot INTEGER NOT NULL,
  invites_pending INTEGER NOT NULL, invites_accepted INTEGER NOT NULL,
  invites_declined INTEGER NOT NULL, invites_expired INTEGER NOT NULL,
  PRIMARY KEY (site_id, visit_id)
) WITHOUT ROWID;
CREATE INDEX visits_recent ON visits (site_id, started_at, visit_id);
CREATE INDEX visits_visitor ON visits (site_id, visitor_id, started_at);
CREATE INDEX visits_company ON visits (site_id, company, started_at);
-- Retention deletes the oldest first, across sites.
CREATE INDEX visits_started ON visits (started_at);
-- Reports add the open visits to the rollups, which hold ended ones.
CREATE INDEX visits_open ON visits (site_id, day) WHERE ended_at IS NULL;

CREATE TABLE pages (
  site_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  url TEXT NOT NULL,
  title TEXT,
  entered_at INTEGER NOT NULL,
  seconds INTEGER NOT NULL,
  PRIMARY KEY (site_id, visit_id, n)
) WITHOUT ROWID;

CREATE TABLE invites (
  site_id TEXT NOT NULL,
  invite_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  guest_url TEXT NOT NULL,
  outcome TEXT NOT NULL,
  answered_at INTEGER,
  PRIMARY KEY (site_id, invite_id)
) WITHOUT ROWID;
CREATE INDEX invites_visit ON invites (site_id, visit_id);

CREATE TABLE visitors (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visits INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (site_id, visitor_id)
) WITHOUT ROWID;

CREATE INDEX visitors_last_seen ON visitors (last_seen);

-- One row per dimension, day, key and visitor: sums add up across days, and distinct visitors
-- and active days are counted exactly. Erasing a visitor deletes its rows.
CREATE TABLE daily (
  site_id TEXT NOT NULL,
  dim TEXT NOT NULL,
  day INTEGER NOT NULL,
  key TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visits INTEGER NOT NULL,
  page_views INTEGER NOT NULL,
  seconds INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  invites INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  declined INTEGER NOT NULL,
  PRIMARY KEY (site_id, dim, day, key, visitor_id)
) WITHOUT ROWID;
CREATE INDEX daily_visitor ON daily (site_id, visitor_id);

CREATE TABLE companies (
  site_id TEXT NOT NULL,
  company TEXT NOT NULL,
  domain TEXT,
  network TEXT,
  asn INTEGER,
  last_day INTEGER NOT NULL,
  PRIMARY KEY (site_id, company)
) WITHOUT ROWID;

-- How far each outbox stream has been applied, written in the same transaction as what it applied.
CREATE TABLE positions (
  stream TEXT PRIMARY KEY,
  position TEXT NOT NULL
);
