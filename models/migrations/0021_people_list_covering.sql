-- 0021: the list of people (/admin/personnes) reads every column it shows
-- from its index, and each person's CLSMs' names from the CLSMs' index on
-- their coordinator: a page no longer looks each row up in the table, twice
-- (the person, then each CLSM). On the bare statement at --scale 10 (48
-- people on a page) that was about a fifth of its time (docs/PERFORMANCE.md).
-- Each index keeps its name and its leading columns, so every query that
-- used the narrower one uses the wider one the same way.

DROP INDEX IF EXISTS users_name;
CREATE INDEX users_name ON users (name, id, email, role, active);
DROP INDEX IF EXISTS users_role_name;
CREATE INDEX users_role_name ON users (role, name, id, email, active);
DROP INDEX IF EXISTS clsms_coordinator;
CREATE INDEX clsms_coordinator ON clsms (coordinator_id, name);
