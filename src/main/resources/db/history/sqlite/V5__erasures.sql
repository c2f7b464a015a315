-- One row per erasure the history has applied, named by the receipt its request chose, so the API
-- answers DELETE /api/visitors/{id} only once the history no longer holds the visitor (on any node).
-- It says nothing about whom: the receipt is random. Rows older than a day are deleted.
CREATE TABLE erasures (
  receipt TEXT PRIMARY KEY,
  applied_at BIGINT NOT NULL
);
