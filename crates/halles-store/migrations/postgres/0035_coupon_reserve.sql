-- A program's reserve: money the operator funds at the program level, belonging to no partner.
-- A manual load or a gift card draws on it or on a named envelope; a fund lot without an
-- envelope belongs to the reserve, so a correction or an expiry gives its money back here.
-- Every cent on a card then comes from an envelope or the reserve:
-- cards + spent + free envelope and reserve money = budgets funded.
CREATE TABLE program_reserves (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    budget_cents BIGINT NOT NULL DEFAULT 0 CHECK (budget_cents >= 0),
    loaded_cents BIGINT NOT NULL DEFAULT 0 CHECK (loaded_cents >= 0),
    CHECK (loaded_cents <= budget_cents),
    PRIMARY KEY (organization_id, program_id),
    UNIQUE (program_id)
);

-- Money put on cards before the reserve existed (manual loads and gift cards, lots without an
-- envelope) is counted as drawn from a reserve funded with exactly that much.
INSERT INTO program_reserves (organization_id, program_id, budget_cents, loaded_cents)
SELECT p.organization_id, p.id, x.loaded, x.loaded FROM programs p JOIN (
    SELECT c.program_id, SUM(l.remaining_cents) - COALESCE((SELECT SUM(e.amount_cents) FROM fund_entries e
        JOIN fund_lots k ON k.id = e.lot_id WHERE e.program_id = c.program_id AND k.envelope_id IS NULL
        AND e.kind IN ('spend', 'refund')), 0) AS loaded
    FROM fund_lots l JOIN cards c ON c.id = l.card_id WHERE l.envelope_id IS NULL GROUP BY c.program_id
) x ON x.program_id = p.id WHERE x.loaded > 0;
