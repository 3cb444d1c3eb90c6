-- 0016: accent- and case-blind search. SQLite's LIKE and LOWER fold ASCII
-- letters only, so « evry » missed « Évry » and « helene » « Hélène ». Each
-- searchable row keeps its text folded by textfold.Fold (lower case, no
-- accents, one space between words), written by the models on every save
-- (User.BeforeSave, CLSM.BeforeSave), and the searches compare the query
-- folded the same way: portable (PostgreSQL has no ASCII-only LOWER to
-- work around, but the same column serves). The existing rows are filled
-- by this migration's Go step (backfillSearchKeys): SQL cannot fold
-- accents.
--
-- users.search_key is the folded name and the folded address, joined by
-- « | » (which no folded query contains, so a query cannot match across
-- the two). The indexes cover the searches: a LIKE '%…%' reads every key
-- of the index, but not the rows.

ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE clsms ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

CREATE INDEX IF NOT EXISTS users_role_search ON users (role, search_key, name, id);
CREATE INDEX IF NOT EXISTS clsms_search ON clsms (search_key, name, id);
