-- 0008: indexes for the paginated lists, one per filter and sort, so that a
-- page reads its rows in order from an index and stops after LIMIT instead
-- of sorting the whole table. The expressions are written exactly as the
-- list queries write their ORDER BY (models.requestListOrder): SQLite only
-- uses an index on an expression for the same expression.

-- /admin/demandes and /demandes: waiting for a review first, then the
-- newest sent; with a state or a season filter, the newest in it.
CREATE INDEX IF NOT EXISTS requests_list_order ON requests ((CASE state WHEN 'submitted' THEN 0 ELSE 1 END), COALESCE(submitted_at, created_at) DESC, id DESC);
CREATE INDEX IF NOT EXISTS requests_state_sent ON requests (state, COALESCE(submitted_at, created_at) DESC, id DESC);
CREATE INDEX IF NOT EXISTS requests_season_sent ON requests (season_id, COALESCE(submitted_at, created_at) DESC, id DESC);

-- /admin/clsm by région or département, by name; the requests' filters by
-- territory go through these to the CLSMs' requests (requests_clsm).
CREATE INDEX IF NOT EXISTS clsms_region ON clsms (region_code, name, id);
CREATE INDEX IF NOT EXISTS clsms_departement ON clsms (departement_code, name, id);

-- /admin/personnes, by name, with or without a role.
CREATE INDEX IF NOT EXISTS users_name ON users (name, id);
CREATE INDEX IF NOT EXISTS users_role_name ON users (role, name, id);

-- /admin/qpv, by name.
CREATE INDEX IF NOT EXISTS qpvs_name ON qpvs (name, code);

-- /admin/courriels, newest first, with or without a status.
CREATE INDEX IF NOT EXISTS outbox_messages_created ON outbox_messages (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS outbox_messages_status_created ON outbox_messages (status, created_at DESC, id DESC);

-- /admin/saisons, the latest first.
CREATE INDEX IF NOT EXISTS seasons_starts ON seasons (starts_on DESC, id DESC);
