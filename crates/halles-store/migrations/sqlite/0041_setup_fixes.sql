-- Set-up mistakes people can fix: a market group can be archived (it keeps its markets and
-- history but is no longer offered when placing a market).
ALTER TABLE market_groups ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
