-- Markets claim what a program owes them for a reconciliation period; the operator approves
-- claims, gathers approved ones into payment batches and marks a batch paid.
CREATE TABLE payment_batches (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    total_cents BIGINT NOT NULL CHECK (total_cents > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
    paid_on TEXT,
    reference TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX payment_batches_program ON payment_batches (organization_id, program_id);

CREATE TABLE reimbursement_claims (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    market_id BIGINT NOT NULL REFERENCES organizations(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'approved', 'rejected', 'paid')),
    note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    batch_id BIGINT REFERENCES payment_batches(id),
    submitted_by BIGINT,
    submitted_at BIGINT NOT NULL,
    decided_by BIGINT,
    decided_at BIGINT
);
-- One live claim per market and period: a refused claim may be filed again.
CREATE UNIQUE INDEX reimbursement_claims_once
    ON reimbursement_claims (program_id, market_id, period_start) WHERE status <> 'rejected';
CREATE INDEX reimbursement_claims_program ON reimbursement_claims (organization_id, program_id, status);
