-- Money and quantity columns are BIGINT, which refuses a non-integer and raises an error on
-- overflow, so PostgreSQL needs no guard (SQLite's are in its 0017). Kept so both databases
-- count the same migrations.
SELECT 1;
