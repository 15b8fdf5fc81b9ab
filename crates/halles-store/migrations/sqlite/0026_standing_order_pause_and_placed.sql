-- Standing orders can be paused (no cycle runs them until they are resumed) and start on a
-- chosen day (`starts_at`, already there). What each run placed in an order is kept line by
-- line, so stopping a standing order before the cut-off can take exactly those quantities back
-- out of the open order and leave what the buyer added by hand.

ALTER TABLE standing_orders ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

CREATE TABLE standing_order_placed (
    organization_id BIGINT NOT NULL,
    standing_order_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (organization_id, standing_order_id, cycle_id, product_id)
);
CREATE INDEX standing_order_placed_order ON standing_order_placed (organization_id, order_id);

CREATE TRIGGER standing_order_placed_integers_insert BEFORE INSERT ON standing_order_placed
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: standing_order_placed: money and quantities must be integers'); END;
CREATE TRIGGER standing_order_placed_integers_update BEFORE UPDATE OF quantity ON standing_order_placed
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: standing_order_placed: money and quantities must be integers'); END;
