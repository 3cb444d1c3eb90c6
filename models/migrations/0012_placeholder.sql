-- TEMP: placeholder so that 0014 loads on the replan branch; drop it at merge
-- (0012 and 0013 belong to the branches working alongside).
SELECT 1;
