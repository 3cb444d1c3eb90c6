-- 0007: the scheduler's jobs. Every piece of background work of serve is a
-- row: a one-off job (dedup_key names the thing it is for, so queueing it
-- twice is harmless) or a periodic job (dedup_key = kind, one row for ever,
-- moved to its next due time after each run). An instance claims a due row
-- by writing its id into claimed_by and a deadline into lease_until; a row
-- whose lease has run out (the instance crashed) may be claimed again.

CREATE TABLE jobs (
    id {{id}},
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    due_at TIMESTAMP NOT NULL,
    claimed_by TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    done_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX jobs_dedup ON jobs (dedup_key);
-- The claim looks for the oldest due row among the jobs not done.
CREATE INDEX jobs_due ON jobs (due_at, id) WHERE done_at IS NULL;
