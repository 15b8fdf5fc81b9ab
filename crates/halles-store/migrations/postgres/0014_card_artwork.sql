-- A program's card artwork (its logo or illustration), printed on every card of its sheets:
-- stored as a resized JPEG in the database (backed up with everything else).
CREATE TABLE card_artwork (
    organization_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL PRIMARY KEY,
    jpeg BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
