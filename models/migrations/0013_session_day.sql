-- 0013: around the session (DESIGN §3.4–3.5): the day's contact phones,
-- the count from the signed sheet and the facilitator's debrief (one
-- session_days row per session, written when first needed); who came
-- (attendances: a confirmed registration ticked present or not, or a
-- walk-in typed on the day); and the reminders already queued.
--
-- A reminder batch is one session_reminders row per (session, SEQUENCE,
-- 7d|1d), inserted in the transaction that queues its messages: a restart
-- or a second serve never queues it twice, and a moved session (a higher
-- SEQUENCE) has reminders of its own at its new date.

CREATE TABLE session_days (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id),
    facilitator_phone TEXT NOT NULL DEFAULT '',
    coordinator_phone TEXT NOT NULL DEFAULT '',
    sheet_count INTEGER CHECK (sheet_count IS NULL OR sheet_count >= 0),
    counted_by BIGINT REFERENCES users (id),
    counted_at TIMESTAMP,
    atmosphere TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    resources TEXT NOT NULL DEFAULT '',
    follow_up TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    debriefed_by BIGINT REFERENCES users (id),
    debriefed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE attendances (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    registration_id BIGINT REFERENCES registrations (id),
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '' CHECK (category IN ('', 'habitant', 'elu', 'professionnel', 'benevole')),
    present BOOLEAN NOT NULL DEFAULT TRUE,
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (registration_id IS NOT NULL OR (first_name <> '' AND last_name <> ''))
);
CREATE UNIQUE INDEX attendances_registration ON attendances (session_id, registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX attendances_session ON attendances (session_id, id);

CREATE TABLE session_reminders (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('7d', '1d')),
    queued_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, sequence, kind)
);
-- The close sweep looks for held sessions whose debrief is done.
CREATE INDEX session_days_debriefed ON session_days (debriefed_at) WHERE debriefed_at IS NOT NULL;
