-- Domain events: written by the store in the same transaction as the change they describe,
-- beside its audit record, and delivered to subscribers by a `deliver_event` job enqueued in
-- that transaction too. `payload` is the event as JSON (its `kind` copied beside it);
-- `delivered_at` is set once every subscriber has had it.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX events_org ON events (organization_id, created_at);

-- What each subscriber did with an event: its output (e-mails queued) and its row commit
-- together, so a retried delivery never sends twice.
CREATE TABLE event_deliveries (
    event_id BIGINT NOT NULL REFERENCES events (id),
    subscriber TEXT NOT NULL,
    delivered_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, subscriber)
);
