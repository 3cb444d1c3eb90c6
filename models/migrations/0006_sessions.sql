-- 0006: sessions as records of their own (DESIGN §4). Until now a session
-- was four columns of its request; from here a session is a row with its
-- own states, the iCalendar SEQUENCE its invitations carry, a snapshot of
-- the venue, its capacity and per-organisation cap. The request keeps its
-- own state machine and points to its live session (session_id; NULL while
-- no date is proposed). A cancelled session stays, for history.

CREATE TABLE sessions (
    id {{id}},
    request_id BIGINT NOT NULL REFERENCES requests (id),
    facilitator_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('proposed', 'scheduled', 'held', 'closed', 'cancelled')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'Europe/Paris',
    venue_name TEXT NOT NULL DEFAULT '',
    venue_address TEXT NOT NULL DEFAULT '',
    step_free TEXT NOT NULL DEFAULT 'unknown' CHECK (step_free IN ('yes', 'no', 'unknown')),
    remote_url TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 20 CHECK (capacity > 0),
    org_cap INTEGER NOT NULL DEFAULT 4 CHECK (org_cap > 0),
    sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    cancel_reason TEXT NOT NULL DEFAULT '',
    scheduled_at TIMESTAMP,
    held_at TIMESTAMP,
    closed_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_request ON sessions (request_id, created_at);
CREATE INDEX sessions_facilitator ON sessions (facilitator_id, starts_at);
CREATE INDEX sessions_state ON sessions (state, starts_at);

-- Existing slots become sessions. A session keeps its request's id, so the
-- UID of the bookings feed (seance-<id>) does not change for subscribers.
-- (On PostgreSQL the identity sequence would need a setval afterwards.)
-- A slot left on a request that has no live session any more (withdrawn,
-- or back to accepted) is kept as a cancelled session.
INSERT INTO sessions (id, request_id, facilitator_id, state, starts_at, ends_at, time_zone,
    venue_name, venue_address, step_free, remote_url, capacity, org_cap, sequence, cancel_reason,
    scheduled_at, held_at, closed_at, cancelled_at, created_at, updated_at)
SELECT r.id, r.id, r.facilitator_id,
    CASE WHEN r.state IN ('proposed', 'scheduled', 'held', 'closed', 'cancelled') THEN r.state ELSE 'cancelled' END,
    r.starts_at, r.ends_at, r.time_zone, r.venue_name, r.venue_address, r.step_free, r.remote_url, 20, 4, 0,
    CASE WHEN r.state = 'withdrawn' THEN 'Demande retirée.' ELSE '' END,
    CASE WHEN r.state IN ('scheduled', 'held', 'closed') THEN r.updated_at END,
    CASE WHEN r.state IN ('held', 'closed') THEN r.updated_at END,
    CASE WHEN r.state = 'closed' THEN r.updated_at END,
    CASE WHEN r.state NOT IN ('proposed', 'scheduled', 'held', 'closed') THEN r.updated_at END,
    r.created_at, r.updated_at
FROM requests r
WHERE r.facilitator_id IS NOT NULL AND r.starts_at IS NOT NULL AND r.ends_at IS NOT NULL AND r.ends_at > r.starts_at;

ALTER TABLE requests ADD COLUMN session_id BIGINT REFERENCES sessions (id);
UPDATE requests SET session_id = id
WHERE state IN ('proposed', 'scheduled', 'held', 'closed', 'cancelled', 'withdrawn')
    AND id IN (SELECT request_id FROM sessions);

DROP INDEX requests_facilitator;
ALTER TABLE requests DROP COLUMN facilitator_id;
ALTER TABLE requests DROP COLUMN starts_at;
ALTER TABLE requests DROP COLUMN ends_at;
