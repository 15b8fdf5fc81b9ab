-- Billing, accounting exports and corrections: the accounts a hub's journal export names, and
-- a payment recorded by mistake voided (never deleted).

-- The hub's name of each account the journal export writes (an account not saved here takes
-- its default, `halles_core::journal::Account::default_name`).
CREATE TABLE hub_journal_accounts (
    organization_id BIGINT NOT NULL,
    account_key TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (organization_id, account_key)
);

-- A voided payment stays, with when, by whom and why; its allocations are released (their
-- rows removed, recorded in the audit log), and it counts nowhere.
ALTER TABLE payments ADD COLUMN voided_at BIGINT;
ALTER TABLE payments ADD COLUMN voided_by BIGINT;
ALTER TABLE payments ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
