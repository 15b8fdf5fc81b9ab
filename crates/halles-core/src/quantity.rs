//! Exact quantities: thousandths of a sale unit, so 2,5 kg and 12 cases are both integers and the
//! database can add and compare them (no floating point, no NUMERIC).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A quantity in thousandths of its unit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Qty(pub i64);

impl Qty {
    /// Zero.
    pub const ZERO: Qty = Qty(0);
    /// Thousandths per unit.
    pub const SCALE: i64 = 1000;

    /// Whole units (an overflow stops, never wraps: see [`crate::limits`]).
    pub fn units(n: i64) -> Qty {
        Qty(n.checked_mul(Self::SCALE).unwrap_or_else(|| overflow()))
    }

    /// `self + o`, or `None` if it would not fit.
    pub fn checked_add(self, o: Qty) -> Option<Qty> {
        self.0.checked_add(o.0).map(Qty)
    }

    /// `self - o`, or `None` if it would not fit.
    pub fn checked_sub(self, o: Qty) -> Option<Qty> {
        self.0.checked_sub(o.0).map(Qty)
    }

    /// Parses `2,5`, `2.5`, `12`: at most three decimals, not negative.
    pub fn parse_input(s: &str) -> Option<Qty> {
        let t = s.trim().replace(',', ".");
        if t.is_empty() || t.starts_with('-') {
            return None;
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
        if frac.len() > 3
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let w: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let f: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<3}").parse().ok()?
        };
        Some(Qty(w.checked_mul(Self::SCALE)?.checked_add(f)?))
    }

    /// `2.5` (trailing zeros dropped), for inputs and exports.
    pub fn plain(self) -> String {
        let whole = self.0 / Self::SCALE;
        let frac = (self.0 % Self::SCALE).abs();
        if frac == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
        }
    }

    /// The price of this quantity at `per_unit`, rounded once.
    pub fn price(self, per_unit: crate::money::Cents) -> crate::money::Cents {
        per_unit.mul_ratio(self.0, Self::SCALE)
    }
}

impl std::iter::Sum for Qty {
    fn sum<I: Iterator<Item = Qty>>(iter: I) -> Qty {
        iter.fold(Qty::ZERO, |a, q| {
            a.checked_add(q).unwrap_or_else(|| overflow())
        })
    }
}

#[cold]
#[track_caller]
fn overflow() -> ! {
    panic!("quantity overflow: an unbounded quantity reached arithmetic")
}

impl fmt::Display for Qty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Cents;

    #[test]
    fn quantities_parse_exactly() {
        assert_eq!(Qty::parse_input("2,5"), Some(Qty(2500)));
        assert_eq!(Qty::parse_input("12"), Some(Qty::units(12)));
        assert_eq!(Qty::parse_input("0.125"), Some(Qty(125)));
        assert_eq!(Qty::parse_input("1.2345"), None);
        assert_eq!(Qty::parse_input("-1"), None);
        assert_eq!(Qty(2500).plain(), "2.5");
        assert_eq!(Qty::units(3).plain(), "3");
    }

    #[test]
    fn a_quantity_prices_with_one_rounding() {
        assert_eq!(Qty(2500).price(Cents(399)), Cents(998));
        assert_eq!(Qty::units(3).price(Cents(1250)), Cents(3750));
    }

    #[test]
    fn quantity_arithmetic_never_wraps() {
        assert_eq!(Qty(i64::MAX).checked_add(Qty(1)), None);
        assert_eq!(Qty(i64::MIN).checked_sub(Qty(1)), None);
        assert!(std::panic::catch_unwind(|| Qty::units(i64::MAX)).is_err());
        assert!(
            std::panic::catch_unwind(|| [Qty(i64::MAX), Qty(1)].into_iter().sum::<Qty>()).is_err()
        );
    }
}
