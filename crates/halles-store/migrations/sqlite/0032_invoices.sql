-- Billing, first part: a hub's billing settings, products' GST and QST statuses by date, and
-- invoices numbered without gaps, frozen once issued.

-- A hub's billing settings (none: not registered, no prefix, fee taxable, on receipt).
CREATE TABLE hub_billing_settings (
    organization_id BIGINT NOT NULL PRIMARY KEY REFERENCES organizations(id),
    legal_name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    registered INTEGER NOT NULL DEFAULT 0,
    gst_number TEXT NOT NULL DEFAULT '',
    qst_number TEXT NOT NULL DEFAULT '',
    invoice_prefix TEXT NOT NULL DEFAULT '',
    yearly_reset INTEGER NOT NULL DEFAULT 1,
    fee_taxation TEXT NOT NULL DEFAULT 'taxable',
    payment_terms TEXT NOT NULL DEFAULT 'on_receipt',
    how_to_pay TEXT NOT NULL DEFAULT '',
    auto_issue INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

-- A buyer's billing address at a hub, and its payment terms when they differ from the hub's
-- (empty: the hub's).
CREATE TABLE buyer_billing (
    organization_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL REFERENCES organizations(id),
    address TEXT NOT NULL DEFAULT '',
    payment_terms TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, buyer_id)
);

-- A product's GST and QST statuses from a day (ISO date). Before its first row (and for a
-- product without any), the product's own `tax_class` stands for both taxes.
CREATE TABLE product_tax_statuses (
    organization_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    from_date TEXT NOT NULL,
    gst_status TEXT NOT NULL,
    qst_status TEXT NOT NULL,
    PRIMARY KEY (organization_id, product_id, from_date)
);

-- The next invoice number of a hub, per year (year 0 when numbers never reset): updated in the
-- transaction that issues, so numbers have no gap and no duplicate.
CREATE TABLE invoice_counters (
    organization_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (organization_id, year)
);

-- An issued invoice: a snapshot of everything it says, never changed nor deleted.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    lang TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    delivery_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    payment_terms TEXT NOT NULL,
    how_to_pay TEXT NOT NULL,
    po_number TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    seller_address TEXT NOT NULL,
    registered INTEGER NOT NULL,
    gst_number TEXT NOT NULL,
    qst_number TEXT NOT NULL,
    fee_taxation TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_address TEXT NOT NULL,
    delivery_address TEXT NOT NULL,
    goods_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL,
    delivery_cents BIGINT NOT NULL,
    deposits_cents BIGINT NOT NULL,
    subtotal_cents BIGINT NOT NULL,
    gst_base_cents BIGINT NOT NULL,
    qst_base_cents BIGINT NOT NULL,
    gst_cents BIGINT NOT NULL,
    qst_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by BIGINT,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, order_id),
    UNIQUE (organization_id, number)
);
CREATE INDEX invoices_buyer ON invoices (organization_id, buyer_id, id);

-- Its lines, as delivered: real weights, substitutions, what was short.
CREATE TABLE invoice_lines (
    organization_id BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    producer_name TEXT NOT NULL,
    lots TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    weight_g BIGINT,
    unit_price_cents BIGINT NOT NULL,
    kg_price_cents BIGINT,
    amount_cents BIGINT NOT NULL,
    gst_status TEXT NOT NULL,
    qst_status TEXT NOT NULL,
    substitute_for_fr TEXT NOT NULL DEFAULT '',
    substitute_for_en TEXT NOT NULL DEFAULT '',
    short_quantity BIGINT,
    PRIMARY KEY (organization_id, invoice_id, line_no),
    FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id)
);

-- Money, quantities and weights hold integers only (see migration 0017).
CREATE TRIGGER invoices_integers_insert BEFORE INSERT ON invoices
WHEN typeof(NEW.goods_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.discount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.delivery_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.deposits_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.subtotal_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: invoices: money and quantities must be integers'); END;
CREATE TRIGGER invoices_integers_update BEFORE UPDATE OF goods_cents, discount_cents, delivery_cents, deposits_cents, subtotal_cents, gst_base_cents, qst_base_cents, gst_cents, qst_cents, total_cents ON invoices
WHEN typeof(NEW.goods_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.discount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.delivery_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.deposits_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.subtotal_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: invoices: money and quantities must be integers'); END;
CREATE TRIGGER invoice_lines_integers_insert BEFORE INSERT ON invoice_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.short_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: invoice_lines: money and quantities must be integers'); END;
CREATE TRIGGER invoice_lines_integers_update BEFORE UPDATE OF quantity, weight_g, unit_price_cents, kg_price_cents, amount_cents, short_quantity ON invoice_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.short_quantity) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: invoice_lines: money and quantities must be integers'); END;

-- An issued invoice is never changed nor deleted: corrections will be credit notes.
CREATE TRIGGER invoices_immutable_update BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'halles: invoices: an issued invoice is never changed'); END;
CREATE TRIGGER invoices_immutable_delete BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'halles: invoices: an issued invoice is never changed'); END;
CREATE TRIGGER invoice_lines_immutable_update BEFORE UPDATE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'halles: invoice_lines: an issued invoice is never changed'); END;
CREATE TRIGGER invoice_lines_immutable_delete BEFORE DELETE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'halles: invoice_lines: an issued invoice is never changed'); END;
