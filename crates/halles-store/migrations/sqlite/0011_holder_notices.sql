-- Monthly balance statements to card holders, and notices when a schedule ends: each goes out
-- once, claimed by its row here.
CREATE TABLE balance_statements (
    organization_id BIGINT NOT NULL,
    card_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (card_id, month)
);
CREATE TABLE schedule_end_notices (
    organization_id BIGINT NOT NULL,
    schedule_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (schedule_id, participant_id)
);
