-- The markets where a partner organization's participants may spend. A partner with no row here
-- may send its participants to every market of the program; with rows, only to those markets.
CREATE TABLE partner_markets (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    partner_id BIGINT NOT NULL REFERENCES organizations(id),
    market_id BIGINT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (program_id, partner_id, market_id)
);
