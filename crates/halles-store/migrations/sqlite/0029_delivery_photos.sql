-- Proof of delivery: the driver may add a photo when marking a stop (the goods at the door, a
-- signed slip). One per stop, stored like product photos as a resized JPEG in the database
-- (backed up with everything else); the hub sees it on the stop, the buyer on its delivery.
CREATE TABLE stop_photos (
    organization_id BIGINT NOT NULL,
    stop_id BIGINT NOT NULL,
    jpeg BLOB NOT NULL,
    taken_at BIGINT NOT NULL,
    taken_by BIGINT,
    PRIMARY KEY (organization_id, stop_id),
    FOREIGN KEY (organization_id, stop_id) REFERENCES stops (organization_id, id)
);
