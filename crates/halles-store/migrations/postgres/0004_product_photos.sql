-- One photo per product, stored as a resized JPEG in the database (backed up with everything else).
CREATE TABLE product_photos (
    organization_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    jpeg BYTEA NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, product_id),
    FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id)
);
