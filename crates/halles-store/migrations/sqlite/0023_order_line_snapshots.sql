-- An order line keeps the product as it was when ordered: its names, sale unit and unit detail
-- (the price and tax class were already kept). Renaming, repricing or changing the unit of a
-- product no longer changes past orders, their totals, exports and e-mails; invoices will be
-- built from these lines. Existing lines take the product as it is now.
ALTER TABLE order_lines ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN unit_detail TEXT NOT NULL DEFAULT '';

UPDATE order_lines SET
    name_fr = (SELECT p.name_fr FROM products p WHERE p.organization_id = order_lines.producer_id AND p.id = order_lines.product_id),
    name_en = (SELECT p.name_en FROM products p WHERE p.organization_id = order_lines.producer_id AND p.id = order_lines.product_id),
    unit = (SELECT p.unit FROM products p WHERE p.organization_id = order_lines.producer_id AND p.id = order_lines.product_id),
    unit_detail = (SELECT p.unit_detail FROM products p WHERE p.organization_id = order_lines.producer_id AND p.id = order_lines.product_id)
WHERE EXISTS (SELECT 1 FROM products p WHERE p.organization_id = order_lines.producer_id AND p.id = order_lines.product_id);
