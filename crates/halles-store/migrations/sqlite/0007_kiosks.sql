-- Kiosk mode: the API token (scope "kiosk") whose secret link opens a register for card holders
-- to use themselves. NULL: the kiosk is off. Renewing the link revokes the old token.
ALTER TABLE registers ADD COLUMN kiosk_token_id BIGINT;
CREATE INDEX registers_kiosk ON registers (organization_id, kiosk_token_id);
