-- Events are no longer delivered by one job each: the worker polls the undelivered ones, oldest
-- first, in batches. This index holds only those, so the poll stays a short read however many
-- events were delivered before.
CREATE INDEX events_undelivered ON events (id) WHERE delivered_at IS NULL;
