-- What each site keeps in the history, in estimated bytes (SiteUsage: a page is 64 bytes and two a
-- character of its address and title, a visit 400 and two a character of its entry address and
-- referrer), so one site's public key cannot fill the disk. Existing rows are counted once, here.
CREATE TABLE site_usage (
  site_id TEXT PRIMARY KEY,
  bytes BIGINT NOT NULL
);

INSERT INTO site_usage (site_id, bytes)
SELECT site_id, SUM(bytes) FROM (
  SELECT site_id, 64 + 2 * (LENGTH(url) + COALESCE(LENGTH(title), 0)) AS bytes FROM pages
  UNION ALL
  SELECT site_id, 400 + 2 * (COALESCE(LENGTH(entry_url), 0) + COALESCE(LENGTH(referrer), 0)) AS bytes FROM visits
) AS rows_of_sites
GROUP BY site_id;
