-- 0019: every list of requests shows each request's number of windows and
-- the first day they offer, read by two correlated subqueries per row
-- (requestRowColumns). An index of the windows' request and first day
-- answers both from the index alone; the index on (request_id, position)
-- read each window's row from the table for its date.

CREATE INDEX IF NOT EXISTS request_windows_days ON request_windows (request_id, date_from);
