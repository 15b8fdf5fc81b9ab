-- Accounts. A deleted account keeps its row under a pseudonym (`deleted_at`): its e-mail,
-- name and password are gone, and the audit log and the ledger, which name who did what by
-- the account's id, show the pseudonym. Settings of the whole platform, chosen by its
-- administrators (`platform_settings`): how many days an invitation stays valid.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;

CREATE TABLE platform_settings (
    name TEXT NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
