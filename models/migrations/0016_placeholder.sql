-- 0016: placeholder for the number another branch takes (issue 19); the
-- lead drops this file at merge.
SELECT 1;
