-- 0005: facilitators' calendars (issue 8). What the planner matches requests
-- against: a weekly pattern of working time, dated exceptions (days off,
-- leave, training; or extra availability), busy time typed by hand or
-- imported from the facilitator's own calendar (an uploaded .ics file or a
-- subscription URL refreshed by serve), and the version of the secret
-- bookings feed link. Minutes count from local midnight in the
-- facilitator's zone (users.time_zone); instants are UTC.

-- The weekly pattern: ISO weekday (1 = Monday … 7 = Sunday), local times.
CREATE TABLE availability_slots (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (end_minute > start_minute)
);
CREATE INDEX availability_slots_user ON availability_slots (user_id, weekday);

-- Dated exceptions to the pattern, every day of [starts_on, ends_on], from
-- start_minute to end_minute (0–1440: the whole day).
CREATE TABLE calendar_exceptions (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('unavailable', 'available')),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    start_minute INTEGER NOT NULL DEFAULT 0 CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL DEFAULT 1440 CHECK (end_minute BETWEEN 1 AND 1440),
    label TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (end_minute > start_minute)
);
CREATE INDEX calendar_exceptions_user ON calendar_exceptions (user_id, starts_on);

-- Busy time: typed by hand ('manual', with a label) or imported ('file',
-- 'subscription': nothing but time is kept from the imported calendar; an
-- import replaces all rows of its source at once).
CREATE TABLE busy_times (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('manual', 'file', 'subscription')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX busy_times_user ON busy_times (user_id, starts_at);

-- One row per facilitator who has touched their calendar settings: the
-- imported file, the subscription and its fetch status, the feed version.
-- A failed fetch records the error and keeps the last imported busy time.
CREATE TABLE facilitator_calendars (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    feed_version INTEGER NOT NULL DEFAULT 1,
    file_name TEXT NOT NULL DEFAULT '',
    file_imported_at TIMESTAMP,
    file_intervals INTEGER NOT NULL DEFAULT 0,
    sub_url TEXT NOT NULL DEFAULT '',
    sub_etag TEXT NOT NULL DEFAULT '',
    sub_last_modified TEXT NOT NULL DEFAULT '',
    sub_attempted_at TIMESTAMP,
    sub_succeeded_at TIMESTAMP,
    sub_imported_at TIMESTAMP,
    sub_intervals INTEGER NOT NULL DEFAULT 0,
    sub_error TEXT NOT NULL DEFAULT '',
    sub_failed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX facilitator_calendars_due ON facilitator_calendars (sub_attempted_at) WHERE sub_url <> '';
