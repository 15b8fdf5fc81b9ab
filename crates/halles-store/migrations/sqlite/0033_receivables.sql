-- Billing, receivables: credit notes numbered without gaps and frozen once issued, payments
-- allocated to invoices, reminders of overdue invoices, and a buyer's switch for them.

-- Whether the hub sends a buyer reminders of its overdue invoices.
ALTER TABLE buyer_billing ADD COLUMN reminders INTEGER NOT NULL DEFAULT 1;

-- The next credit-note number of a hub, per year (year 0 when numbers never reset), apart from
-- the invoices': updated in the transaction that issues, so numbers have no gap.
CREATE TABLE credit_note_counters (
    organization_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (organization_id, year)
);

-- An issued credit note: a correction of one invoice, whole or by line, with its reason; the
-- seller and buyer as the invoice froze them. Never changed nor deleted.
CREATE TABLE credit_notes (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    lang TEXT NOT NULL,
    credit_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    full_credit INTEGER NOT NULL,
    invoice_number TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    seller_address TEXT NOT NULL,
    registered INTEGER NOT NULL,
    gst_number TEXT NOT NULL,
    qst_number TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_address TEXT NOT NULL,
    goods_cents BIGINT NOT NULL,
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
    UNIQUE (organization_id, number),
    FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id)
);
CREATE INDEX credit_notes_invoice ON credit_notes (organization_id, invoice_id);
CREATE INDEX credit_notes_buyer ON credit_notes (organization_id, buyer_id, id);

-- What a credit note credits of each invoice line (its line number on the invoice).
CREATE TABLE credit_note_lines (
    organization_id BIGINT NOT NULL,
    credit_note_id BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity BIGINT,
    amount_cents BIGINT NOT NULL,
    gst_status TEXT NOT NULL,
    qst_status TEXT NOT NULL,
    PRIMARY KEY (organization_id, credit_note_id, line_no),
    FOREIGN KEY (organization_id, credit_note_id) REFERENCES credit_notes (organization_id, id)
);
CREATE INDEX credit_note_lines_invoice ON credit_note_lines (organization_id, invoice_id, line_no);

-- A payment a buyer made to a hub: what is not allocated to invoices is the buyer's credit.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    received_on TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents BETWEEN 1 AND 100000000),
    reference TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by BIGINT,
    UNIQUE (organization_id, id)
);
CREATE INDEX payments_buyer ON payments (organization_id, buyer_id, id);

-- A part of a payment applied to an invoice, on a day (the payment's, or the day a credit
-- balance was applied).
CREATE TABLE payment_allocations (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    payment_id BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    applied_on TEXT NOT NULL,
    allocated_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, payment_id) REFERENCES payments (organization_id, id),
    FOREIGN KEY (organization_id, invoice_id) REFERENCES invoices (organization_id, id)
);
CREATE INDEX payment_allocations_invoice ON payment_allocations (organization_id, invoice_id);
CREATE INDEX payment_allocations_payment ON payment_allocations (organization_id, payment_id);

-- Reminders of an overdue invoice sent, one per interval (period 0: the first week overdue).
CREATE TABLE invoice_reminders (
    organization_id BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL,
    period BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, invoice_id, period)
);

-- Money holds integers only (see migration 0017).
CREATE TRIGGER credit_notes_integers_insert BEFORE INSERT ON credit_notes
WHEN typeof(NEW.goods_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.delivery_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.deposits_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.subtotal_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: credit_notes: money and quantities must be integers'); END;
CREATE TRIGGER credit_note_lines_integers_insert BEFORE INSERT ON credit_note_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: credit_note_lines: money and quantities must be integers'); END;
-- Issued credit notes are frozen (below); the update guards keep the rule of migration 0017
-- that every money column has both.
CREATE TRIGGER credit_notes_integers_update BEFORE UPDATE OF goods_cents, delivery_cents, deposits_cents, subtotal_cents, gst_base_cents, qst_base_cents, gst_cents, qst_cents, total_cents ON credit_notes
WHEN typeof(NEW.goods_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.delivery_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.deposits_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.subtotal_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_base_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.gst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.qst_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: credit_notes: money and quantities must be integers'); END;
CREATE TRIGGER credit_note_lines_integers_update BEFORE UPDATE OF quantity, amount_cents ON credit_note_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: credit_note_lines: money and quantities must be integers'); END;
CREATE TRIGGER payments_integers_insert BEFORE INSERT ON payments
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payments: money and quantities must be integers'); END;
CREATE TRIGGER payments_integers_update BEFORE UPDATE OF amount_cents ON payments
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payments: money and quantities must be integers'); END;
CREATE TRIGGER payment_allocations_integers_insert BEFORE INSERT ON payment_allocations
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payment_allocations: money and quantities must be integers'); END;
CREATE TRIGGER payment_allocations_integers_update BEFORE UPDATE OF amount_cents ON payment_allocations
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payment_allocations: money and quantities must be integers'); END;

-- An issued credit note is never changed nor deleted: a correction of it is another document.
CREATE TRIGGER credit_notes_immutable_update BEFORE UPDATE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'halles: credit_notes: an issued credit note is never changed'); END;
CREATE TRIGGER credit_notes_immutable_delete BEFORE DELETE ON credit_notes
BEGIN SELECT RAISE(ABORT, 'halles: credit_notes: an issued credit note is never changed'); END;
CREATE TRIGGER credit_note_lines_immutable_update BEFORE UPDATE ON credit_note_lines
BEGIN SELECT RAISE(ABORT, 'halles: credit_note_lines: an issued credit note is never changed'); END;
CREATE TRIGGER credit_note_lines_immutable_delete BEFORE DELETE ON credit_note_lines
BEGIN SELECT RAISE(ABORT, 'halles: credit_note_lines: an issued credit note is never changed'); END;
