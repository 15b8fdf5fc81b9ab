-- Food-coupon programs. Funds are a ledger: fund_entries is append-only and a card's balance per
-- product group is the sum of its entries. card_funds and fund_lots cache that sum (per group,
-- and per load so that expiry and refunds know where money came from); their CHECKs and the
-- conditional updates that write them are what make overspending impossible.
-- Program-owned rows lead with the operator's organization_id; participants and enrolments with
-- the partner organization's.

CREATE TABLE programs (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    public_name TEXT NOT NULL DEFAULT '',
    public_address TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    report_period TEXT NOT NULL DEFAULT 'month',
    partners_assign_cards INTEGER NOT NULL DEFAULT 1,
    anonymous INTEGER NOT NULL DEFAULT 0,
    pin_required INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE product_groups (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    colour TEXT NOT NULL DEFAULT '#2e7d32',
    position BIGINT NOT NULL DEFAULT 0,
    is_loyalty INTEGER NOT NULL DEFAULT 0,
    UNIQUE (organization_id, id),
    UNIQUE (program_id, name_fr)
);

CREATE TABLE participant_types (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    match_key TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, id),
    UNIQUE (program_id, match_key)
);

-- Partner organizations, markets and funders taking part in a program.
CREATE TABLE program_members (
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL,
    PRIMARY KEY (organization_id, program_id, member_id)
);
CREATE INDEX program_members_member ON program_members (member_id);

CREATE TABLE allocation_schedules (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    moment TEXT NOT NULL,
    max_loads BIGINT NOT NULL CHECK (max_loads > 0),
    carry_over INTEGER NOT NULL DEFAULT 1,
    usage_based INTEGER NOT NULL DEFAULT 0,
    expiry TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE schedule_amounts (
    organization_id BIGINT NOT NULL,
    schedule_id BIGINT NOT NULL,
    participant_type_id BIGINT NOT NULL,
    product_group_id BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (organization_id, schedule_id, participant_type_id, product_group_id)
);

-- What a partner organization may still promise: budget = reserved (future loads of enrolled
-- participants) + loaded (on cards) + free.
CREATE TABLE budget_envelopes (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    schedule_id BIGINT NOT NULL,
    partner_id BIGINT NOT NULL REFERENCES organizations(id),
    budget_cents BIGINT NOT NULL CHECK (budget_cents >= 0),
    reserved_cents BIGINT NOT NULL DEFAULT 0 CHECK (reserved_cents >= 0),
    loaded_cents BIGINT NOT NULL DEFAULT 0 CHECK (loaded_cents >= 0),
    CHECK (reserved_cents + loaded_cents <= budget_cents),
    UNIQUE (organization_id, id),
    UNIQUE (schedule_id, partner_id)
);

CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    participant_type_id BIGINT NOT NULL,
    id1 TEXT,
    id2 TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    receipts INTEGER NOT NULL DEFAULT 1,
    consent_on TEXT NOT NULL,
    consent_purpose TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    UNIQUE (organization_id, program_id, id1)
);
CREATE INDEX participants_program ON participants (program_id);

CREATE TABLE enrolments (
    organization_id BIGINT NOT NULL,
    schedule_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    envelope_id BIGINT NOT NULL,
    from_on TEXT NOT NULL,
    max_loads BIGINT NOT NULL,
    reserved_cents BIGINT NOT NULL CHECK (reserved_cents >= 0),
    loaded_through TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, schedule_id, participant_id)
);
CREATE INDEX enrolments_schedule ON enrolments (schedule_id, active);

CREATE TABLE card_batches (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    batch_id BIGINT,
    number TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    participant_id BIGINT,
    partner_id BIGINT,
    pin_hash TEXT,
    replaced_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
CREATE INDEX cards_participant ON cards (participant_id);
CREATE INDEX cards_program_status ON cards (program_id, status);

-- One row per participant, schedule and due date: the unique key makes each load happen once.
CREATE TABLE loads (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    schedule_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    card_id BIGINT,
    amount_cents BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    UNIQUE (schedule_id, participant_id, due_on)
);

CREATE TABLE fund_lots (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    card_id BIGINT NOT NULL,
    product_group_id BIGINT NOT NULL,
    load_id BIGINT,
    envelope_id BIGINT,
    schedule_id BIGINT,
    amount_cents BIGINT NOT NULL,
    remaining_cents BIGINT NOT NULL CHECK (remaining_cents >= 0),
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
CREATE INDEX fund_lots_card ON fund_lots (card_id, product_group_id);
CREATE INDEX fund_lots_expiry ON fund_lots (expires_at, remaining_cents);

CREATE TABLE card_funds (
    organization_id BIGINT NOT NULL,
    card_id BIGINT NOT NULL,
    product_group_id BIGINT NOT NULL,
    balance_cents BIGINT NOT NULL CHECK (balance_cents >= 0),
    PRIMARY KEY (organization_id, card_id, product_group_id)
);
CREATE INDEX card_funds_card ON card_funds (card_id);

CREATE TABLE registers (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);

CREATE TABLE redemptions (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    card_id BIGINT NOT NULL,
    market_id BIGINT NOT NULL,
    register_id BIGINT,
    total_cents BIGINT NOT NULL CHECK (total_cents > 0),
    refunded_cents BIGINT NOT NULL DEFAULT 0,
    actor_user_id BIGINT,
    actor_token_id BIGINT,
    created_at BIGINT NOT NULL,
    CHECK (refunded_cents BETWEEN 0 AND total_cents),
    UNIQUE (organization_id, id)
);
CREATE INDEX redemptions_market ON redemptions (market_id, created_at);
CREATE INDEX redemptions_card ON redemptions (card_id);

CREATE TABLE redemption_lines (
    organization_id BIGINT NOT NULL,
    redemption_id BIGINT NOT NULL,
    product_group_id BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    refunded_cents BIGINT NOT NULL DEFAULT 0,
    CHECK (refunded_cents BETWEEN 0 AND amount_cents),
    PRIMARY KEY (organization_id, redemption_id, product_group_id)
);

-- The ledger. Signed amounts: loads, refunds and transfers in are positive; spending, expiry and
-- transfers out negative. Dimensions are copied onto each entry so reports are plain sums.
CREATE TABLE fund_entries (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    card_id BIGINT NOT NULL,
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
    UNIQUE (organization_id, id)
);
CREATE INDEX fund_entries_program ON fund_entries (program_id, at);
CREATE INDEX fund_entries_card ON fund_entries (card_id);
CREATE INDEX fund_entries_redemption ON fund_entries (redemption_id);

CREATE TABLE refunds (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    redemption_id BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reason TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT,
    actor_token_id BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id)
);
