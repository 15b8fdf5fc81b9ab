-- The monthly report of a coupon program, e-mailed on the 1st for the month before to the
-- accounts that asked for it: members of the operator or of a funder, each choosing for
-- themselves (`report_recipients`, keyed by the account's organization). Each program's
-- report for a month is claimed once (`monthly_report_mailings`), in the transaction that
-- queues its e-mails, so restarts and several workers never send it twice.
CREATE TABLE report_recipients (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, program_id, user_id)
);
CREATE INDEX report_recipients_program ON report_recipients (program_id);

CREATE TABLE monthly_report_mailings (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    recipients BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, program_id, month)
);
