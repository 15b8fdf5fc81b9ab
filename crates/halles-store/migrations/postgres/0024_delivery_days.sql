-- Delivery days: a cycle delivers on one or more days (ISO dates, comma-separated, in order),
-- and an order is kept per buyer, cycle, delivery day and pickup point or zone.
ALTER TABLE order_cycles ADD COLUMN delivery_days TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN delivery_day TEXT NOT NULL DEFAULT '';
-- Cycles made before get one delivery day: the day after the cut-off's day, read in Montréal
-- standard time (UTC-5) on both databases; their orders are delivered on it.
UPDATE order_cycles SET delivery_days = to_char(
    DATE '1970-01-01' + CAST(FLOOR((closes_at - 18000000) / 86400000.0) AS INTEGER) + 1, 'YYYY-MM-DD');
UPDATE orders SET delivery_day = (SELECT c.delivery_days FROM order_cycles c
    WHERE c.organization_id = orders.organization_id AND c.id = orders.cycle_id);
