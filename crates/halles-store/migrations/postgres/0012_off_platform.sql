-- Programs whose allocations are administered off the platform: each participant's own dates,
-- frequency and amounts come with the partner's imported list, and become a personal schedule
-- (an allocation schedule for that one participant).
ALTER TABLE programs ADD COLUMN off_platform BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE allocation_schedules ADD COLUMN participant_id BIGINT;
CREATE INDEX allocation_schedules_participant ON allocation_schedules (participant_id);
