-- 0022: the calendars read each facilitator's weekly pattern from its
-- index alone, in the order they show it: the index on availability_slots
-- holds the times too, so a page of calendars neither looks each slot up
-- in the table nor sorts them (docs/PERFORMANCE.md). It keeps its name and
-- its leading columns, so every other query uses it as before.

DROP INDEX IF EXISTS availability_slots_user;
CREATE INDEX availability_slots_user ON availability_slots (user_id, weekday, start_minute, end_minute);
