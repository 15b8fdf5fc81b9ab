-- One row per lot whose holder was told it will expire: the notice goes out once.
CREATE TABLE expiry_notices (
    organization_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, lot_id)
);
