-- A unit's estimated weight is 1 g to 100 kg: prices are computed from it, and an unbounded
-- one broke every buyer's catalog of a cycle. Weights stored beyond it before this bound are
-- brought within it.
UPDATE products SET est_weight_g = 100000 WHERE est_weight_g > 100000;
UPDATE order_lines SET est_weight_g = 100000 WHERE est_weight_g > 100000;

CREATE TRIGGER products_unit_weight_insert BEFORE INSERT ON products
WHEN NEW.est_weight_g IS NOT NULL AND (NEW.est_weight_g < 1 OR NEW.est_weight_g > 100000)
BEGIN SELECT RAISE(ABORT, 'halles: products: a unit weighs from 1 g to 100 kg'); END;
CREATE TRIGGER products_unit_weight_update BEFORE UPDATE OF est_weight_g ON products
WHEN NEW.est_weight_g IS NOT NULL AND (NEW.est_weight_g < 1 OR NEW.est_weight_g > 100000)
BEGIN SELECT RAISE(ABORT, 'halles: products: a unit weighs from 1 g to 100 kg'); END;
