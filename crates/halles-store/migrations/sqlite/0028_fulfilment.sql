-- Fulfilment: what happens between the cut-off and the delivery.
-- * Purchase orders: each issue of a producer's purchase order for a cycle and delivery day is
--   kept as a revision with its lines (what the orders held then); the page compares it with
--   the orders as they are now. `order_cycles.purchase_orders_at` says when the cycle's were
--   last issued (the worker issues them once the cut-off has passed).
-- * Lots: what the hub received, one lot per product received from a producer's delivery, with
--   its code (the producer's or one generated), packing or harvest date and best-before.
-- * Stock movements: a ledger, never updated: each entry's `quantity` is what it moved, and
--   on hand and allocated (set aside for orders) are the sums of `on_hand_quantity` and
--   `allocated_quantity`.
-- * Packing: an order line keeps its estimated unit weight and its prices per kilogram (catch
--   weight), the weight of each unit packed (`packed_units`), and what it was ordered at before
--   a shortage reduced it (`ordered_quantity`). Orders are packed into numbered cases.
-- * Routes: named, with a default order of buyers reused week to week; each delivered order is a
--   stop with its position and its proof of delivery. A buyer's delivery address, contact and
--   instructions are the hub's (on `hub_buyers`); a hub with a GS1 company prefix
--   (`organizations.gs1_prefix`) numbers its cases with SSCCs.
ALTER TABLE order_cycles ADD COLUMN purchase_orders_at BIGINT;
-- Cycles already past their cut-off were handled before purchase orders existed: the worker
-- does not send theirs now.
UPDATE order_cycles SET purchase_orders_at = closes_at WHERE status IN ('closed', 'completed');
ALTER TABLE organizations ADD COLUMN gs1_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_buyers ADD COLUMN delivery_address TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_buyers ADD COLUMN delivery_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_buyers ADD COLUMN delivery_instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN packed_at BIGINT;
ALTER TABLE order_lines ADD COLUMN est_weight_g BIGINT;
ALTER TABLE order_lines ADD COLUMN kg_price_cents BIGINT;
ALTER TABLE order_lines ADD COLUMN producer_kg_price_cents BIGINT;
ALTER TABLE order_lines ADD COLUMN packed_weight_g BIGINT;
ALTER TABLE order_lines ADD COLUMN ordered_quantity BIGINT;
ALTER TABLE order_lines ADD COLUMN substitute_for BIGINT;
CREATE TABLE purchase_orders (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL,
    delivery_day TEXT NOT NULL DEFAULT '',
    revision BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by BIGINT,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, cycle_id, producer_id, delivery_day, revision)
);

CREATE TABLE purchase_order_lines (
    organization_id BIGINT NOT NULL,
    purchase_order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    unit TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    unit_detail TEXT NOT NULL DEFAULT '',
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, purchase_order_id, product_id, unit)
);

CREATE TABLE lots (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    producer_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    unit TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    cycle_id BIGINT NOT NULL,
    delivery_day TEXT NOT NULL DEFAULT '',
    packed_on TEXT NOT NULL DEFAULT '',
    best_before TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    received_by BIGINT,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, code)
);
CREATE INDEX lots_cycle ON lots (organization_id, cycle_id, product_id);

CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    on_hand_quantity BIGINT NOT NULL DEFAULT 0,
    allocated_quantity BIGINT NOT NULL DEFAULT 0,
    order_id BIGINT,
    order_line_id BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    UNIQUE (organization_id, id)
);
CREATE INDEX stock_movements_lot ON stock_movements (organization_id, lot_id);
CREATE INDEX stock_movements_order ON stock_movements (organization_id, order_id);
CREATE INDEX stock_movements_line ON stock_movements (organization_id, order_line_id);
-- Receiving finds the lines waiting for a product.
CREATE INDEX order_lines_product ON order_lines (organization_id, product_id);

CREATE TABLE packed_units (
    organization_id BIGINT NOT NULL,
    order_line_id BIGINT NOT NULL,
    unit_no BIGINT NOT NULL,
    weight_g BIGINT NOT NULL CHECK (weight_g > 0),
    by_producer INTEGER NOT NULL DEFAULT 0,
    entered_at BIGINT NOT NULL,
    entered_by BIGINT,
    PRIMARY KEY (organization_id, order_line_id, unit_no)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    case_no BIGINT NOT NULL,
    code TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, code),
    UNIQUE (organization_id, order_id, case_no)
);

CREATE TABLE case_lines (
    organization_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    order_line_id BIGINT NOT NULL,
    PRIMARY KEY (organization_id, case_id, order_line_id)
);

CREATE TABLE routes (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, name)
);

CREATE TABLE route_buyers (
    organization_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    route_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (organization_id, buyer_id)
);

CREATE TABLE stops (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    route_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    recipient TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    done_at BIGINT,
    done_by BIGINT,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, order_id)
);
CREATE INDEX stops_route ON stops (organization_id, route_id, seq);

-- Money, quantities and weights hold integers only (see migration 0017).
CREATE TRIGGER order_lines_packing_integers_insert BEFORE INSERT ON order_lines
WHEN typeof(NEW.est_weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.packed_weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.ordered_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_lines: money and quantities must be integers'); END;
CREATE TRIGGER order_lines_packing_integers_update BEFORE UPDATE OF est_weight_g, kg_price_cents, producer_kg_price_cents, packed_weight_g, ordered_quantity ON order_lines
WHEN typeof(NEW.est_weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.packed_weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.ordered_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_lines: money and quantities must be integers'); END;
CREATE TRIGGER purchase_order_lines_integers_insert BEFORE INSERT ON purchase_order_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: purchase_order_lines: money and quantities must be integers'); END;
CREATE TRIGGER purchase_order_lines_integers_update BEFORE UPDATE OF quantity, amount_cents ON purchase_order_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: purchase_order_lines: money and quantities must be integers'); END;
CREATE TRIGGER stock_movements_integers_insert BEFORE INSERT ON stock_movements
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.on_hand_quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.allocated_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: stock_movements: money and quantities must be integers'); END;
CREATE TRIGGER stock_movements_integers_update BEFORE UPDATE OF quantity, on_hand_quantity, allocated_quantity ON stock_movements
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.on_hand_quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.allocated_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: stock_movements: money and quantities must be integers'); END;
CREATE TRIGGER packed_units_integers_insert BEFORE INSERT ON packed_units
WHEN typeof(NEW.weight_g) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: packed_units: money and quantities must be integers'); END;
CREATE TRIGGER packed_units_integers_update BEFORE UPDATE OF weight_g ON packed_units
WHEN typeof(NEW.weight_g) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: packed_units: money and quantities must be integers'); END;
