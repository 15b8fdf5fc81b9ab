-- Paper coupons: batches of coupons of a fixed value in one product group, their money drawn at
-- issue from a partner's envelope or the program's reserve (envelope_id NULL), handed to
-- participants through that partner, redeemed once at a register, expired or voided back to
-- where the money came from. Their movements are ledger entries without a card: fund_entries
-- gets paper_coupon_id and card_id becomes optional (exactly one of the two is set), so
-- reports and claims count paper coupons like card sales.
CREATE TABLE paper_batches (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    product_group_id BIGINT NOT NULL,
    partner_id BIGINT NOT NULL,
    envelope_id BIGINT,
    value_cents BIGINT NOT NULL CHECK (value_cents > 0 AND value_cents <= 10000000),
    size BIGINT NOT NULL CHECK (size > 0 AND size <= 1000),
    expires_on TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_token_id BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
CREATE INDEX paper_batches_program ON paper_batches (program_id);

CREATE TABLE paper_coupons (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    batch_id BIGINT NOT NULL,
    serial TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'issued'
        CHECK (status IN ('issued', 'handed_out', 'redeemed', 'expired', 'voided')),
    participant_id BIGINT,
    handed_out_at BIGINT,
    handed_out_by BIGINT,
    redeemed_at BIGINT,
    market_id BIGINT,
    register_id BIGINT,
    closed_at BIGINT,
    UNIQUE (organization_id, id)
);
CREATE INDEX paper_coupons_batch ON paper_coupons (batch_id, status);

CREATE TRIGGER paper_batches_integers_insert BEFORE INSERT ON paper_batches
WHEN typeof(NEW.value_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: paper_batches: money and quantities must be integers'); END;
CREATE TRIGGER paper_batches_integers_update BEFORE UPDATE OF value_cents ON paper_batches
WHEN typeof(NEW.value_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: paper_batches: money and quantities must be integers'); END;

-- SQLite cannot drop a NOT NULL: the ledger is rebuilt with the same rows.
CREATE TABLE fund_entries_new (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    card_id BIGINT,
    product_group_id BIGINT NOT NULL,
    line_group_id BIGINT,
    lot_id BIGINT,
    kind TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    partner_id BIGINT,
    participant_id BIGINT,
    participant_type_id BIGINT,
    schedule_id BIGINT,
    market_id BIGINT,
    register_id BIGINT,
    redemption_id BIGINT,
    refund_id BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT,
    actor_token_id BIGINT,
    at BIGINT NOT NULL,
    paper_coupon_id BIGINT,
    CHECK ((card_id IS NULL) <> (paper_coupon_id IS NULL)),
    UNIQUE (organization_id, id)
);
INSERT INTO fund_entries_new (id, organization_id, program_id, card_id, product_group_id, line_group_id,
    lot_id, kind, amount_cents, partner_id, participant_id, participant_type_id, schedule_id, market_id,
    register_id, redemption_id, refund_id, reason, actor_user_id, actor_token_id, at)
SELECT id, organization_id, program_id, card_id, product_group_id, line_group_id,
    lot_id, kind, amount_cents, partner_id, participant_id, participant_type_id, schedule_id, market_id,
    register_id, redemption_id, refund_id, reason, actor_user_id, actor_token_id, at FROM fund_entries;
DROP TABLE fund_entries;
ALTER TABLE fund_entries_new RENAME TO fund_entries;
CREATE INDEX fund_entries_program ON fund_entries (program_id, at);
CREATE INDEX fund_entries_card ON fund_entries (card_id);
CREATE INDEX fund_entries_redemption ON fund_entries (redemption_id);
CREATE INDEX fund_entries_paper ON fund_entries (paper_coupon_id);
CREATE TRIGGER fund_entries_integers_insert BEFORE INSERT ON fund_entries
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_entries: money and quantities must be integers'); END;
CREATE TRIGGER fund_entries_integers_update BEFORE UPDATE OF amount_cents ON fund_entries
WHEN typeof(NEW.amount_cents) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'halles: fund_entries: money and quantities must be integers'); END;
