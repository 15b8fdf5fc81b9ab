-- Food hub, part 1: catalog, hub links, order cycles, availability, price rules, orders.
-- Quantities are thousandths of a sale unit (BIGINT); money is integer cents.

-- The producers a hub works with, and the buyers it serves with their price-list type.
CREATE TABLE hub_producers (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    producer_id BIGINT NOT NULL REFERENCES organizations(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, producer_id)
);
CREATE INDEX hub_producers_producer ON hub_producers (producer_id);

CREATE TABLE hub_buyers (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    buyer_id BIGINT NOT NULL REFERENCES organizations(id),
    buyer_type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, buyer_id)
);
CREATE INDEX hub_buyers_buyer ON hub_buyers (buyer_id);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL,
    unit_detail TEXT NOT NULL DEFAULT '',
    catch_weight INTEGER NOT NULL DEFAULT 0,
    est_weight_g BIGINT,
    tax_class TEXT NOT NULL,
    origin TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    certifications TEXT NOT NULL DEFAULT '',
    organic_certifier TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE order_cycles (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    delivery_note TEXT NOT NULL DEFAULT '',
    order_fee_cents BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
CREATE INDEX order_cycles_due ON order_cycles (status, opens_at, closes_at);
CREATE INDEX order_cycles_org ON order_cycles (organization_id, opens_at);

CREATE TABLE cycle_producers (
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (organization_id, cycle_id, producer_id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id)
);

CREATE TABLE cycle_locations (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    fee_cents BIGINT NOT NULL DEFAULT 0,
    min_order_cents BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id)
);

-- What a producer offers in a cycle. `remaining` never goes below zero: orders reserve it with
-- a conditional UPDATE, and the CHECK is the last line of defence.
CREATE TABLE availability (
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    remaining BIGINT NOT NULL CHECK (remaining >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, cycle_id, product_id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id),
    FOREIGN KEY (producer_id, product_id) REFERENCES products (organization_id, id)
);
CREATE INDEX availability_producer ON availability (producer_id, cycle_id);

CREATE TABLE price_rules (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    buyer_type TEXT,
    buyer_id BIGINT,
    product_id BIGINT,
    margin_bp BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL REFERENCES organizations(id),
    status TEXT NOT NULL,
    location_id BIGINT,
    po_number TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    fees_cents BIGINT NOT NULL DEFAULT 0,
    placed_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id)
);
CREATE INDEX orders_cycle ON orders (organization_id, cycle_id, status);
CREATE INDEX orders_buyer ON orders (buyer_id, created_at);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL,
    producer_price_cents BIGINT NOT NULL,
    tax_class TEXT NOT NULL,
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, order_id) REFERENCES orders (organization_id, id)
);
CREATE INDEX order_lines_order ON order_lines (organization_id, order_id);
