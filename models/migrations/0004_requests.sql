-- 0004: session requests (DESIGN §3.1). One row per request and its whole
-- life: the state machine's state, the slot once planned (facilitator,
-- start, end, zone), and the history of transitions in request_events.

CREATE TABLE requests (
    id {{id}},
    clsm_id BIGINT NOT NULL REFERENCES clsms (id),
    season_id BIGINT REFERENCES seasons (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested', 'accepted', 'declined',
        'proposed', 'scheduled', 'held', 'closed', 'withdrawn', 'cancelled')),
    commune_insee TEXT NOT NULL DEFAULT '',
    venue_name TEXT NOT NULL DEFAULT '',
    venue_address TEXT NOT NULL DEFAULT '',
    step_free TEXT NOT NULL DEFAULT 'unknown' CHECK (step_free IN ('yes', 'no', 'unknown')),
    format TEXT NOT NULL DEFAULT 'in_person' CHECK (format IN ('in_person', 'remote')),
    remote_url TEXT NOT NULL DEFAULT '',
    audience_residents BOOLEAN NOT NULL DEFAULT FALSE,
    audience_elected BOOLEAN NOT NULL DEFAULT FALSE,
    audience_professionals BOOLEAN NOT NULL DEFAULT FALSE,
    audience_volunteers BOOLEAN NOT NULL DEFAULT FALSE,
    expected_count INTEGER NOT NULL DEFAULT 0,
    partners TEXT NOT NULL DEFAULT '',
    constraints_text TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 1,
    time_zone TEXT NOT NULL DEFAULT 'Europe/Paris',
    facilitator_id BIGINT REFERENCES users (id),
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX requests_clsm ON requests (clsm_id, state);
CREATE INDEX requests_state ON requests (state, season_id);
CREATE INDEX requests_facilitator ON requests (facilitator_id, starts_at);

CREATE TABLE request_qpvs (
    request_id BIGINT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    qpv_code TEXT NOT NULL REFERENCES qpvs (code),
    PRIMARY KEY (request_id, qpv_code)
);

-- Preferred time windows: a day and a part of it, or a date range with
-- weekdays ("1,2,4" = Monday, Tuesday, Thursday; ISO numbering).
CREATE TABLE request_windows (
    id {{id}},
    request_id BIGINT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('day', 'range')),
    date_from DATE NOT NULL,
    date_to DATE NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('morning', 'afternoon', 'evening')),
    weekdays TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_windows_request ON request_windows (request_id, position);

-- Every transition: who, when, from → to, and the comment sent with it.
CREATE TABLE request_events (
    id {{id}},
    request_id BIGINT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, created_at);
