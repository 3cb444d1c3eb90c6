-- 0013: TEMPORARY placeholder so that 0015 loads on the perf branch; the
-- real 0013 comes from another branch. Drop this file when merging.
SELECT 1;
