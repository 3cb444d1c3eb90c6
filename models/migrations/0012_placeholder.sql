-- 0012: TEMPORARY placeholder so that 0015 loads on the perf branch; the
-- real 0012 comes from another branch. Drop this file when merging.
SELECT 1;
