-- Producer statements gather a producer's invoice lines by product: without this index each
-- statement read every invoice line of the hub (issue 15's benchmark).
CREATE INDEX invoice_lines_product ON invoice_lines (organization_id, product_id);
