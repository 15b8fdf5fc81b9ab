-- Money and quantity columns hold integers only. SQLite stores whatever a value is (an
-- integer sum that overflows becomes a REAL), so a trigger per table refuses a non-integer in
-- any of them, on insert and on update. The test `every_money_and_quantity_column_is_guarded`
-- (halles-store/tests/limits.rs) lists every `_cents` and quantity column of every table and
-- fails when one lacks its guard: a new such column adds its table's triggers here or in a
-- later migration. PostgreSQL needs none of this: BIGINT refuses a non-integer and raises an
-- error on overflow.

CREATE TRIGGER products_integers_insert BEFORE INSERT ON products
WHEN typeof(NEW.est_weight_g) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: products: money and quantities must be integers'); END;
CREATE TRIGGER products_integers_update BEFORE UPDATE OF est_weight_g ON products
WHEN typeof(NEW.est_weight_g) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: products: money and quantities must be integers'); END;

CREATE TRIGGER order_cycles_integers_insert BEFORE INSERT ON order_cycles
WHEN typeof(NEW.order_fee_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_cycles: money and quantities must be integers'); END;
CREATE TRIGGER order_cycles_integers_update BEFORE UPDATE OF order_fee_cents ON order_cycles
WHEN typeof(NEW.order_fee_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_cycles: money and quantities must be integers'); END;

CREATE TRIGGER cycle_locations_integers_insert BEFORE INSERT ON cycle_locations
WHEN typeof(NEW.fee_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.min_order_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: cycle_locations: money and quantities must be integers'); END;
CREATE TRIGGER cycle_locations_integers_update BEFORE UPDATE OF fee_cents, min_order_cents ON cycle_locations
WHEN typeof(NEW.fee_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.min_order_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: cycle_locations: money and quantities must be integers'); END;

CREATE TRIGGER availability_integers_insert BEFORE INSERT ON availability
WHEN typeof(NEW.price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.remaining) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: availability: money and quantities must be integers'); END;
CREATE TRIGGER availability_integers_update BEFORE UPDATE OF price_cents, quantity, remaining ON availability
WHEN typeof(NEW.price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.remaining) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: availability: money and quantities must be integers'); END;

CREATE TRIGGER price_rules_integers_insert BEFORE INSERT ON price_rules
WHEN typeof(NEW.margin_bp) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: price_rules: money and quantities must be integers'); END;
CREATE TRIGGER price_rules_integers_update BEFORE UPDATE OF margin_bp ON price_rules
WHEN typeof(NEW.margin_bp) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: price_rules: money and quantities must be integers'); END;

CREATE TRIGGER orders_integers_insert BEFORE INSERT ON orders
WHEN typeof(NEW.fees_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: orders: money and quantities must be integers'); END;
CREATE TRIGGER orders_integers_update BEFORE UPDATE OF fees_cents ON orders
WHEN typeof(NEW.fees_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: orders: money and quantities must be integers'); END;

CREATE TRIGGER order_lines_integers_insert BEFORE INSERT ON order_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_price_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_lines: money and quantities must be integers'); END;
CREATE TRIGGER order_lines_integers_update BEFORE UPDATE OF quantity, unit_price_cents, producer_price_cents ON order_lines
WHEN typeof(NEW.quantity) NOT IN ('integer', 'null')
    OR typeof(NEW.unit_price_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.producer_price_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: order_lines: money and quantities must be integers'); END;

CREATE TRIGGER schedule_amounts_integers_insert BEFORE INSERT ON schedule_amounts
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: schedule_amounts: money and quantities must be integers'); END;
CREATE TRIGGER schedule_amounts_integers_update BEFORE UPDATE OF amount_cents ON schedule_amounts
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: schedule_amounts: money and quantities must be integers'); END;

CREATE TRIGGER budget_envelopes_integers_insert BEFORE INSERT ON budget_envelopes
WHEN typeof(NEW.budget_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.reserved_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.loaded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: budget_envelopes: money and quantities must be integers'); END;
CREATE TRIGGER budget_envelopes_integers_update BEFORE UPDATE OF budget_cents, reserved_cents, loaded_cents ON budget_envelopes
WHEN typeof(NEW.budget_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.reserved_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.loaded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: budget_envelopes: money and quantities must be integers'); END;

CREATE TRIGGER enrolments_integers_insert BEFORE INSERT ON enrolments
WHEN typeof(NEW.reserved_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: enrolments: money and quantities must be integers'); END;
CREATE TRIGGER enrolments_integers_update BEFORE UPDATE OF reserved_cents ON enrolments
WHEN typeof(NEW.reserved_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: enrolments: money and quantities must be integers'); END;

CREATE TRIGGER loads_integers_insert BEFORE INSERT ON loads
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: loads: money and quantities must be integers'); END;
CREATE TRIGGER loads_integers_update BEFORE UPDATE OF amount_cents ON loads
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: loads: money and quantities must be integers'); END;

CREATE TRIGGER fund_lots_integers_insert BEFORE INSERT ON fund_lots
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.remaining_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_lots: money and quantities must be integers'); END;
CREATE TRIGGER fund_lots_integers_update BEFORE UPDATE OF amount_cents, remaining_cents ON fund_lots
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.remaining_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_lots: money and quantities must be integers'); END;

CREATE TRIGGER card_funds_integers_insert BEFORE INSERT ON card_funds
WHEN typeof(NEW.balance_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: card_funds: money and quantities must be integers'); END;
CREATE TRIGGER card_funds_integers_update BEFORE UPDATE OF balance_cents ON card_funds
WHEN typeof(NEW.balance_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: card_funds: money and quantities must be integers'); END;

CREATE TRIGGER redemptions_integers_insert BEFORE INSERT ON redemptions
WHEN typeof(NEW.total_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.refunded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: redemptions: money and quantities must be integers'); END;
CREATE TRIGGER redemptions_integers_update BEFORE UPDATE OF total_cents, refunded_cents ON redemptions
WHEN typeof(NEW.total_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.refunded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: redemptions: money and quantities must be integers'); END;

CREATE TRIGGER redemption_lines_integers_insert BEFORE INSERT ON redemption_lines
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.refunded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: redemption_lines: money and quantities must be integers'); END;
CREATE TRIGGER redemption_lines_integers_update BEFORE UPDATE OF amount_cents, refunded_cents ON redemption_lines
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
    OR typeof(NEW.refunded_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: redemption_lines: money and quantities must be integers'); END;

CREATE TRIGGER fund_entries_integers_insert BEFORE INSERT ON fund_entries
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_entries: money and quantities must be integers'); END;
CREATE TRIGGER fund_entries_integers_update BEFORE UPDATE OF amount_cents ON fund_entries
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_entries: money and quantities must be integers'); END;

CREATE TRIGGER refunds_integers_insert BEFORE INSERT ON refunds
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: refunds: money and quantities must be integers'); END;
CREATE TRIGGER refunds_integers_update BEFORE UPDATE OF amount_cents ON refunds
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: refunds: money and quantities must be integers'); END;

CREATE TRIGGER payment_batches_integers_insert BEFORE INSERT ON payment_batches
WHEN typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payment_batches: money and quantities must be integers'); END;
CREATE TRIGGER payment_batches_integers_update BEFORE UPDATE OF total_cents ON payment_batches
WHEN typeof(NEW.total_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: payment_batches: money and quantities must be integers'); END;

CREATE TRIGGER reimbursement_claims_integers_insert BEFORE INSERT ON reimbursement_claims
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: reimbursement_claims: money and quantities must be integers'); END;
CREATE TRIGGER reimbursement_claims_integers_update BEFORE UPDATE OF amount_cents ON reimbursement_claims
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: reimbursement_claims: money and quantities must be integers'); END;
