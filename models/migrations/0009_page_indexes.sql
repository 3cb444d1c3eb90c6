-- 0009: indexes for the pages' bounded queries, so that a page costs the
-- same whatever the number of rows: the dashboards' counts of a season's
-- requests by state, the newest accounts, and the facilitators (and
-- coordinators) listed by name.

CREATE INDEX requests_season ON requests (season_id, state, submitted_at);
CREATE INDEX users_role_name ON users (role, name, id);
CREATE INDEX users_created ON users (created_at, id);
