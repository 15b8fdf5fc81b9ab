-- Wrong PINs in a row on a card. Each try is claimed by a conditional UPDATE before the PIN is
-- checked, so parallel tries cannot overrun the limit; at the limit the PIN is locked until the
-- holder's partner or the program's operator unlocks it. A right PIN starts the count again.
ALTER TABLE cards ADD COLUMN pin_failures BIGINT NOT NULL DEFAULT 0;
