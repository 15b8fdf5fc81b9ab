-- Billing: producers' statements and payouts. A statement is issued for one producer and one
-- period (a cycle or a calendar month) as a frozen, numbered snapshot of the invoice lines of its
-- products (from issued invoices) and of the losses and returns of its lots (from the stock
-- ledger). An invoice line or a ledger entry is on at most one statement (unique keys below).
-- A payout is the statement marked paid, once, with its date and reference.

-- The next statement number of a hub, per year.
CREATE TABLE statement_counters (
    organization_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (organization_id, year)
);

CREATE TABLE producer_statements (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL REFERENCES organizations(id),
    number TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    lang TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    cycle_id BIGINT,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    period_label TEXT NOT NULL,
    hub_name TEXT NOT NULL,
    producer_name TEXT NOT NULL,
    losses_charged_to TEXT NOT NULL,
    producer_cents BIGINT NOT NULL,
    buyer_cents BIGINT NOT NULL,
    margin_cents BIGINT NOT NULL,
    adjustments_cents BIGINT NOT NULL,
    owed_cents BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by BIGINT,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, number)
);
CREATE INDEX producer_statements_producer ON producer_statements (organization_id, producer_id, id);
CREATE INDEX producer_statements_of_producer ON producer_statements (producer_id, id);

-- What was delivered and invoiced, line by line, at the producer's price and the buyer's.
CREATE TABLE producer_statement_lines (
    organization_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    invoice_line_no BIGINT NOT NULL,
    invoice_number TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    product_id BIGINT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    weight_g BIGINT,
    producer_unit_price_cents BIGINT NOT NULL,
    producer_kg_price_cents BIGINT,
    producer_cents BIGINT NOT NULL,
    buyer_cents BIGINT NOT NULL,
    margin_cents BIGINT NOT NULL,
    substitute_for_fr TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, statement_id, line_no),
    UNIQUE (organization_id, invoice_id, invoice_line_no),
    FOREIGN KEY (organization_id, statement_id) REFERENCES producer_statements (organization_id, id)
);

-- Losses and returns of the producer's lots, from the stock ledger, with who bears them.
CREATE TABLE producer_statement_adjustments (
    organization_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL,
    adj_no BIGINT NOT NULL,
    movement_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    lot_code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    reason TEXT NOT NULL,
    charged_to TEXT NOT NULL,
    value_cents BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (organization_id, statement_id, adj_no),
    UNIQUE (organization_id, movement_id),
    FOREIGN KEY (organization_id, statement_id) REFERENCES producer_statements (organization_id, id)
);

-- A statement paid: once, with the day and the reference of the payment.
CREATE TABLE producer_payouts (
    organization_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    reference TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by BIGINT,
    PRIMARY KEY (organization_id, statement_id),
    FOREIGN KEY (organization_id, statement_id) REFERENCES producer_statements (organization_id, id)
);

-- Money, quantities and weights hold integers only (see migration 0017).
CREATE TRIGGER producer_statements_integers_insert BEFORE INSERT ON producer_statements
WHEN typeof(NEW.producer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.buyer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.margin_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.adjustments_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.owed_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statements: money and quantities must be integers'); END;
CREATE TRIGGER producer_statements_integers_update BEFORE UPDATE OF producer_cents, buyer_cents, margin_cents, adjustments_cents, owed_cents ON producer_statements
WHEN typeof(NEW.producer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.buyer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.margin_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.adjustments_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.owed_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statements: money and quantities must be integers'); END;
CREATE TRIGGER producer_statement_lines_integers_insert BEFORE INSERT ON producer_statement_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.buyer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.margin_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_lines: money and quantities must be integers'); END;
CREATE TRIGGER producer_statement_lines_integers_update BEFORE UPDATE OF quantity, weight_g, producer_unit_price_cents, producer_kg_price_cents, producer_cents, buyer_cents, margin_cents ON producer_statement_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.weight_g) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_kg_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.buyer_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.margin_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_lines: money and quantities must be integers'); END;
CREATE TRIGGER producer_statement_adjustments_integers_insert BEFORE INSERT ON producer_statement_adjustments
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.value_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_adjustments: money and quantities must be integers'); END;
CREATE TRIGGER producer_statement_adjustments_integers_update BEFORE UPDATE OF quantity, value_cents, amount_cents ON producer_statement_adjustments
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.value_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_adjustments: money and quantities must be integers'); END;

-- An issued statement and its payout are never changed nor deleted.
CREATE TRIGGER producer_statements_immutable_update BEFORE UPDATE ON producer_statements
BEGIN SELECT RAISE(ABORT, 'halles: producer_statements: an issued statement is never changed'); END;
CREATE TRIGGER producer_statements_immutable_delete BEFORE DELETE ON producer_statements
BEGIN SELECT RAISE(ABORT, 'halles: producer_statements: an issued statement is never changed'); END;
CREATE TRIGGER producer_statement_lines_immutable_update BEFORE UPDATE ON producer_statement_lines
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_lines: an issued statement is never changed'); END;
CREATE TRIGGER producer_statement_lines_immutable_delete BEFORE DELETE ON producer_statement_lines
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_lines: an issued statement is never changed'); END;
CREATE TRIGGER producer_statement_adjustments_immutable_update BEFORE UPDATE ON producer_statement_adjustments
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_adjustments: an issued statement is never changed'); END;
CREATE TRIGGER producer_statement_adjustments_immutable_delete BEFORE DELETE ON producer_statement_adjustments
BEGIN SELECT RAISE(ABORT, 'halles: producer_statement_adjustments: an issued statement is never changed'); END;
CREATE TRIGGER producer_payouts_immutable_update BEFORE UPDATE ON producer_payouts
BEGIN SELECT RAISE(ABORT, 'halles: producer_payouts: an issued statement is never changed'); END;
CREATE TRIGGER producer_payouts_immutable_delete BEFORE DELETE ON producer_payouts
BEGIN SELECT RAISE(ABORT, 'halles: producer_payouts: an issued statement is never changed'); END;
