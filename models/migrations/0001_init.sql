-- 0001: the people, the CLSMs and the seasons.
-- Portable SQL (SQLite and PostgreSQL); {{id}} is the dialect's
-- auto-incremented primary key. Times are UTC; emails are stored lower-cased
-- by the application (not by a collation, which would be ASCII-only).

CREATE TABLE users (
    id {{id}},
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'facilitator')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    home_insee TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT 'Europe/Paris',
    max_per_day INTEGER NOT NULL DEFAULT 1,
    max_per_week INTEGER NOT NULL DEFAULT 3,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE seasons (
    id {{id}},
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    is_current BOOLEAN NOT NULL DEFAULT FALSE,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE UNIQUE INDEX seasons_name ON seasons (name);
CREATE UNIQUE INDEX seasons_one_current ON seasons (is_current) WHERE is_current;

CREATE TABLE clsms (
    id {{id}},
    name TEXT NOT NULL,
    territory TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL,
    departement_code TEXT NOT NULL,
    coordinator_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX clsms_name ON clsms (name);
CREATE INDEX clsms_coordinator ON clsms (coordinator_id);

-- Who changed what, when: shown on each changed object.
CREATE TABLE audit_events (
    id {{id}},
    actor_id BIGINT REFERENCES users (id),
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, created_at);
