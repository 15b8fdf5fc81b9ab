-- Producers told when a cycle's grid waits for them, reminded before the cut-off, and offers
-- without a stock limit.

-- An on-demand offer has no stock limit: orders never run short of it. Its `quantity` counts
-- what was ordered (it grows with each order) and its `remaining` stays 0.
ALTER TABLE availability ADD COLUMN on_demand BOOLEAN NOT NULL DEFAULT FALSE;

-- A producer posted its grid for a cycle: offers, or "nothing this week" (`nothing_offered`).
CREATE TABLE availability_posts (
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL REFERENCES organizations(id),
    nothing_offered BOOLEAN NOT NULL DEFAULT FALSE,
    posted_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, cycle_id, producer_id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id)
);

-- The reminder sent to a producer that posted nothing before a cycle's cut-off: claimed by its
-- insert, so one per producer and cycle even with several workers.
CREATE TABLE availability_reminders (
    organization_id BIGINT NOT NULL,
    cycle_id BIGINT NOT NULL,
    producer_id BIGINT NOT NULL REFERENCES organizations(id),
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, cycle_id, producer_id),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles (organization_id, id)
);

-- How many hours before a cycle's cut-off a hub reminds silent producers (none: 24).
CREATE TABLE hub_reminder_settings (
    organization_id BIGINT NOT NULL PRIMARY KEY REFERENCES organizations(id),
    lead_hours BIGINT NOT NULL CHECK (lead_hours >= 1 AND lead_hours <= 168),
    updated_at BIGINT NOT NULL
);
