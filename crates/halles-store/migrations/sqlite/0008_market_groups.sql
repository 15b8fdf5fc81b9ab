-- Market groups: a program's markets grouped (by neighbourhood, by association), each group with
-- an optional managing market that reads the group's sales and what the program owes them.
CREATE TABLE market_groups (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    program_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    manager_id BIGINT REFERENCES organizations(id),
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, id),
    UNIQUE (program_id, name)
);
CREATE INDEX market_groups_manager ON market_groups (manager_id);
ALTER TABLE program_members ADD COLUMN market_group_id BIGINT;
