-- 0008 (to be numbered 0010 when merged after 0008 and 0009): the
-- planner's unsent proposals. A draft is one run of the planner for a
-- season over [period_from, period_to): the instance it was given (and its
-- hash, to tell whether the store has changed since), the plan as the admin
-- adjusted it, the first-fit figures it is compared with, who ran it and
-- when. Sending it proposes every session and sets sent_at in the same
-- transaction, so a draft is sent at most once.

CREATE TABLE plan_drafts (
    id {{id}},
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    period_from TIMESTAMP NOT NULL,
    period_to TIMESTAMP NOT NULL,
    inputs_hash TEXT NOT NULL,
    instance_json TEXT NOT NULL,
    index_json TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    baseline_json TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_by INTEGER REFERENCES users(id),
    sent_at TIMESTAMP,
    sent_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_drafts_season ON plan_drafts (season_id, id);
