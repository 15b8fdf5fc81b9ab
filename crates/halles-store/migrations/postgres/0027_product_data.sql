-- Product data institutions ask for (allergens, storage, SKU, GTIN, case size), the pound as a
-- sale unit with a buyer's preferred weight unit, and visibility rules: tags on a hub's buyers,
-- and products or cycles shown only to buyers carrying one of their tags.

ALTER TABLE products ADD COLUMN allergens TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN storage TEXT;
ALTER TABLE products ADD COLUMN sku TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN gtin TEXT;
ALTER TABLE products ADD COLUMN case_size BIGINT;

ALTER TABLE hub_buyers ADD COLUMN weight_unit TEXT NOT NULL DEFAULT 'kg';

CREATE TABLE buyer_tags (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    buyer_id BIGINT NOT NULL REFERENCES organizations(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (organization_id, buyer_id, tag)
);

CREATE TABLE product_visibility (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    product_id BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (organization_id, product_id, tag)
);

CREATE TABLE cycle_visibility (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    cycle_id BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (organization_id, cycle_id, tag),
    FOREIGN KEY (organization_id, cycle_id) REFERENCES order_cycles(organization_id, id)
);
