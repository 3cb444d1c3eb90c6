-- 0020: a request names its live session (requests.session_id), and the
-- facilitator's dashboard, the reminders and the conflict checks join
-- sessions to their requests through it. Without an index each session
-- scanned every request: at --scale 100 (2,970 requests) the facilitator's
-- dashboard spent 2.3 ms of its 3 ms there.

CREATE INDEX IF NOT EXISTS requests_session ON requests (session_id) WHERE session_id IS NOT NULL;
