-- 0010: indexes for the pages' bounded queries, so that a page costs the
-- same whatever the number of rows: the dashboards' counts of a season's
-- requests by state, the newest accounts, and the facilitators (and
-- coordinators) listed by name.

CREATE INDEX IF NOT EXISTS requests_season ON requests (season_id, state, submitted_at);
-- users_role_name (role, name, id) is already made by 0008.
CREATE INDEX IF NOT EXISTS users_created ON users (created_at, id);
