-- 0014: the admin's list of requests counts the sent ones (not drafts,
-- submitted at least once) at every page view. A partial index of just
-- those rows, covering the count and the CLSM join of the region and
-- département filters, lets the count read the index alone instead of
-- every request and its CLSM (at --scale 100: 1.3 ms → 0.1 ms in sqlite3).

CREATE INDEX IF NOT EXISTS requests_sent ON requests (clsm_id, state, submitted_at)
    WHERE state <> 'draft' AND submitted_at IS NOT NULL;
