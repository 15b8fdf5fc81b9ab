-- Funds that expire N days after their first use: the lot keeps N until a purchase draws on it,
-- which sets its expiry.
ALTER TABLE fund_lots ADD COLUMN use_days BIGINT;
