-- A membership (and the invitation that made it) may be limited to one program of a program
-- operator: its holder manages that program and reaches nothing else of the organization.
ALTER TABLE memberships ADD COLUMN program_id BIGINT;
ALTER TABLE invitations ADD COLUMN program_id BIGINT;
