-- Lookups of issue 15's benchmark. Producer statements gather a producer's invoice lines by
-- product: without this index each statement read every invoice line of the hub.
CREATE INDEX invoice_lines_product ON invoice_lines (organization_id, product_id);
-- An invoice is read by its id for its hub or its buyer (the key starts with the hub).
CREATE INDEX invoices_id ON invoices (id);
