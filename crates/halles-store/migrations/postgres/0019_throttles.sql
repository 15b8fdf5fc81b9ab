-- Throttles counted and decided in one statement (log-in, forgotten password, reset): one row
-- per key, such as an account and address, an account, or an address. `hits` counts the
-- attempts since the key was last left alone; `next_at` is when the next one may pass.
CREATE TABLE throttles (
    throttle_key TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    delay_ms BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX throttles_last_at ON throttles (last_at);
