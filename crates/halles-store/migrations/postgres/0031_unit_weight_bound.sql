-- A unit's estimated weight is 1 g to 100 kg: prices are computed from it, and an unbounded
-- one broke every buyer's catalog of a cycle. Weights stored beyond it before this bound are
-- brought within it.
UPDATE products SET est_weight_g = 100000 WHERE est_weight_g > 100000;
UPDATE order_lines SET est_weight_g = 100000 WHERE est_weight_g > 100000;

ALTER TABLE products ADD CONSTRAINT products_unit_weight
    CHECK (est_weight_g BETWEEN 1 AND 100000);
