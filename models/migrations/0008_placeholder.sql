-- TEMP: stands for the list pages' 0008 until their branch lands; the
-- integrator drops this file when merging it.
SELECT 1;
