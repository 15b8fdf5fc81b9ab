-- Standing orders: the same products every N weeks until a date, turned into real orders when a
-- cycle opens. A run row per (standing order, cycle) makes each run happen exactly once.

CREATE TABLE standing_orders (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    buyer_id BIGINT NOT NULL REFERENCES organizations(id),
    every_weeks BIGINT NOT NULL CHECK (every_weeks BETWEEN 1 AND 8),
    starts_at BIGINT NOT NULL,
    until_at BIGINT NOT NULL,
    location_name TEXT NOT NULL DEFAULT '',
    po_number TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    lines TEXT NOT NULL,
    skip_next INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
CREATE INDEX standing_orders_buyer ON standing_orders (buyer_id);

CREATE TABLE standing_order_runs (
    organization_id BIGINT NOT NULL,
    standing_order_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    order_id BIGINT,
    outcome TEXT NOT NULL,
    shortages TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, standing_order_id, cycle_id)
);
