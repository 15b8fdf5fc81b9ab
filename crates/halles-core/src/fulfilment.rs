//! Fulfilment rules: catch-weight pricing, weights out of tolerance, the stock ledger's kinds
//! of movement, lot and case codes, stop states.

use crate::catalog::coded_enum;
use crate::money::Cents;
use crate::organizations::UnknownCode;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The heaviest unit a hub may weigh: 100 kg.
pub const MAX_UNIT_WEIGHT_G: i64 = 100_000;

/// Whether `grams` is a unit's weight Halles takes: from 1 g to [`MAX_UNIT_WEIGHT_G`] (a
/// product's estimate, a weighed unit).
pub fn is_unit_weight(grams: i64) -> bool {
    (1..=MAX_UNIT_WEIGHT_G).contains(&grams)
}
/// How many units of one line can be weighed one by one.
pub const MAX_WEIGHED_UNITS: usize = 1_000;
/// How far a real weight may stray from the estimate, in percent, before it asks for a
/// confirmation.
pub const WEIGHT_TOLERANCE_PERCENT: i64 = 15;
/// The most cases one order may be packed in.
pub const MAX_CASES: i64 = 200;
/// The longest lot code (GS1 application identifier 10 holds 20 characters).
pub const MAX_LOT_CODE: usize = 20;

/// The price of a catch-weight line once weighed: the price per kilogram times the real weight
/// in grams, rounded once to the cent (half away from zero).
pub fn catch_weight_amount(per_kg: Cents, weight_g: i64) -> Cents {
    per_kg.mul_ratio(weight_g, 1000)
}

/// Whether a weighed total strays from its estimate (units × estimated unit weight) by more
/// than [`WEIGHT_TOLERANCE_PERCENT`]. Without an estimate nothing is out of tolerance.
pub fn out_of_tolerance(estimated_g: i64, weighed_g: i64) -> bool {
    if estimated_g <= 0 {
        return false;
    }
    let gap = i128::from((weighed_g - estimated_g).abs()) * 100;
    gap > i128::from(estimated_g) * i128::from(WEIGHT_TOLERANCE_PERCENT)
}

/// A lot code as a producer may type it: 1 to 20 letters, digits, `-`, `.` or `/` (what GS1
/// application identifier 10 and the labels carry).
pub fn is_lot_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_LOT_CODE
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
}

/// The code of a lot the producer did not number: `L`, the day received (YYMMDD), `-` and
/// the lot's number at the hub, e.g. `L261204-57`.
pub fn generated_lot_code(received: jiff::civil::Date, lot: crate::LotId) -> String {
    format!(
        "L{:02}{:02}{:02}-{}",
        received.year() % 100,
        received.month(),
        received.day(),
        lot.0
    )
}

/// The plain code of a case, printed as Code 128 and as a QR code: `C` and its number at the
/// hub, e.g. `C000123`.
pub fn case_code(case: crate::CaseId) -> String {
    format!("C{:06}", case.0)
}

coded_enum!(
    /// What a stock movement records.
    MovementKind {
        /// Goods received from a producer (on hand goes up).
        Received => "received",
        /// Set aside for an order line (allocated goes up).
        Allocated => "allocated",
        /// Set aside no more: a line reduced or cancelled (allocated goes down).
        Released => "released",
        /// Packed in an order's case (on hand and allocated unchanged: a step of the week).
        Packed => "packed",
        /// Delivered to the buyer (on hand and allocated go down).
        Delivered => "delivered",
        /// Came back from an undelivered stop (allocated goes down, on hand stays).
        Returned => "returned",
        /// Lost, spoiled or thrown away, with a reason (on hand goes down).
        Lost => "lost",
        /// Given away, to a food bank say (on hand goes down).
        Donated => "donated",
        /// Counted again, with a reason (on hand goes up or down).
        Adjusted => "adjusted",
    }
);

impl MovementKind {
    /// Whether a person records this kind by hand (the others follow from receiving, packing
    /// and delivering).
    pub fn by_hand(self) -> bool {
        matches!(
            self,
            MovementKind::Lost | MovementKind::Donated | MovementKind::Adjusted
        )
    }

    /// Whether this kind needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, MovementKind::Lost | MovementKind::Adjusted)
    }
}

coded_enum!(
    /// Where a stop of a route stands.
    StopStatus {
        /// Not delivered yet.
        Pending => "pending",
        /// Delivered, with the name of who received it.
        Delivered => "delivered",
        /// Could not be delivered: its goods come back to stock.
        Undelivered => "undelivered",
    }
);

coded_enum!(
    /// What a hub does with an order line it cannot fill.
    ShortageChoice {
        /// Lower the line to what was received for it.
        Reduce => "reduce",
        /// Lower the line, and add another product in its place.
        Substitute => "substitute",
        /// Take the line out of the order.
        Cancel => "cancel",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighed_line_costs_its_price_per_kg_times_its_weight_rounded_once() {
        // $12.99/kg × 1.234 kg = $16.02966 → $16.03.
        assert_eq!(catch_weight_amount(Cents(1299), 1234), Cents(1603));
        // $8.50/kg × 0.5 kg = $4.25 exactly; × 3 g = 2.55 ¢ → 3 ¢ (half up).
        assert_eq!(catch_weight_amount(Cents(850), 500), Cents(425));
        assert_eq!(catch_weight_amount(Cents(850), 3), Cents(3));
        assert_eq!(catch_weight_amount(Cents(850), 0), Cents(0));
    }

    #[test]
    fn a_weight_beyond_fifteen_percent_of_its_estimate_asks_for_a_confirmation() {
        assert!(!out_of_tolerance(1000, 1150));
        assert!(out_of_tolerance(1000, 1151));
        assert!(!out_of_tolerance(1000, 850));
        assert!(out_of_tolerance(1000, 849));
        assert!(!out_of_tolerance(0, 5000), "no estimate, no tolerance");
    }

    #[test]
    fn lot_and_case_codes() {
        assert!(is_lot_code("LOT-2026/12.A"));
        assert!(!is_lot_code(""));
        assert!(!is_lot_code("ABCDEFGHIJKLMNOPQRSTU"));
        assert!(!is_lot_code("LOT 12"));
        assert!(!is_lot_code("LÔT"));
        let day: jiff::civil::Date = "2026-12-04".parse().unwrap();
        assert_eq!(generated_lot_code(day, crate::LotId(57)), "L261204-57");
        assert!(is_lot_code(&generated_lot_code(
            day,
            crate::LotId(999_999_999_999)
        )));
        assert_eq!(case_code(crate::CaseId(123)), "C000123");
    }

    #[test]
    fn kinds_round_trip() {
        for k in MovementKind::ALL {
            assert_eq!(k.code().parse::<MovementKind>().unwrap(), *k);
        }
        assert!(MovementKind::Lost.by_hand() && MovementKind::Lost.needs_reason());
        assert!(!MovementKind::Delivered.by_hand());
    }
}
