-- An order placed through the API keeps its Idempotency-Key in the order's own transaction:
-- the key's row names the order it placed, so a retry after a crash finds the order instead of
-- placing it twice.
ALTER TABLE idempotency_keys ADD COLUMN order_id BIGINT;
