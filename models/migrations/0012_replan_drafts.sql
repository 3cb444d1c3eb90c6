-- 0012: a plan draft is of one kind — a plan of the accepted requests, or a
-- replan of the live sessions a change of circumstances broke — and it may
-- still be being computed (status running, then ready or failed with its
-- failure). result_json keeps what sending a replan did to each session,
-- so that the page shows it after a reload.

ALTER TABLE plan_drafts ADD COLUMN kind TEXT NOT NULL DEFAULT 'plan';
ALTER TABLE plan_drafts ADD COLUMN status TEXT NOT NULL DEFAULT 'ready';
ALTER TABLE plan_drafts ADD COLUMN failure TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_drafts ADD COLUMN result_json TEXT NOT NULL DEFAULT '';
