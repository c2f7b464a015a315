-- Visits as they happened: one row per visit, its pages and invites, and daily rollups that
-- reports read instead of the raw rows. Times are epoch milliseconds; days are UTC day numbers.
CREATE TABLE visits (
  site_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visit_number BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  day BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  ended_at BIGINT,
  end_reason TEXT,
  page_views BIGINT NOT NULL,
  entry_url TEXT,
  exit_url TEXT,
  referrer TEXT,
  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,
  source TEXT NOT NULL,
  company TEXT, company_domain TEXT, network TEXT, asn BIGINT,
  country TEXT, country_name TEXT, region TEXT, city TEXT,
  device TEXT, os TEXT, browser TEXT,
  bot SMALLINT NOT NULL,
  invites_pending BIGINT NOT NULL, invites_accepted BIGINT NOT NULL,
  invites_declined BIGINT NOT NULL, invites_expired BIGINT NOT NULL,
  PRIMARY KEY (site_id, visit_id)
);
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
  n BIGINT NOT NULL,
  url TEXT NOT NULL,
  title TEXT,
  entered_at BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  PRIMARY KEY (site_id, visit_id, n)
);

CREATE TABLE invites (
  site_id TEXT NOT NULL,
  invite_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  guest_url TEXT NOT NULL,
  outcome TEXT NOT NULL,
  answered_at BIGINT,
  PRIMARY KEY (site_id, invite_id)
);
CREATE INDEX invites_visit ON invites (site_id, visit_id);

CREATE TABLE visitors (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visits BIGINT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (site_id, visitor_id)
);

CREATE INDEX visitors_last_seen ON visitors (last_seen);

-- One row per dimension, day, key and visitor: sums add up across days, and distinct visitors
-- and active days are counted exactly. Erasing a visitor deletes its rows.
CREATE TABLE daily (
  site_id TEXT NOT NULL,
  dim TEXT NOT NULL,
  day BIGINT NOT NULL,
  key TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visits BIGINT NOT NULL,
  page_views BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  invites BIGINT NOT NULL,
  accepted BIGINT NOT NULL,
  declined BIGINT NOT NULL,
  PRIMARY KEY (site_id, dim, day, key, visitor_id)
);
CREATE INDEX daily_visitor ON daily (site_id, visitor_id);

CREATE TABLE companies (
  site_id TEXT NOT NULL,
  company TEXT NOT NULL,
  domain TEXT,
  network TEXT,
  asn BIGINT,
  last_day BIGINT NOT NULL,
  PRIMARY KEY (site_id, company)
);

-- How far each outbox stream has been applied, written in the same transaction as what it applied.
CREATE TABLE positions (
  stream TEXT PRIMARY KEY,
  position TEXT NOT NULL
);
