-- 0017: personal data (RGPD, DESIGN §5). A registration or a walk-in is
-- anonymised in place, never deleted, so every count of the reports stays
-- right: anonymised_at says when (by the retention purge, or by an
-- erasure on request). retention_runs is the purge's own record, one row
-- per run, holding counts only, for the admin's page.

ALTER TABLE registrations ADD COLUMN anonymised_at TIMESTAMP;
ALTER TABLE attendances ADD COLUMN anonymised_at TIMESTAMP;

CREATE TABLE retention_runs (
    id {{id}},
    ran_at TIMESTAMP NOT NULL,
    closed_before TIMESTAMP NOT NULL,
    registrations INTEGER NOT NULL DEFAULT 0,
    attendances INTEGER NOT NULL DEFAULT 0,
    session_days INTEGER NOT NULL DEFAULT 0,
    outbox_messages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX retention_runs_ran_at ON retention_runs (ran_at);
