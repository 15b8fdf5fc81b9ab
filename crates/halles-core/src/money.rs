//! Money in integer cents (CAD), and the one place where amounts are rounded.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};

/// An amount in cents of a Canadian dollar. Never a float.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    /// Zero.
    pub const ZERO: Cents = Cents(0);

    /// `self × numerator ÷ denominator`, rounded half away from zero (the rounding rule of
    /// every computed amount in Halles: margins, weights, taxes).
    pub fn mul_ratio(self, numerator: i64, denominator: i64) -> Cents {
        Cents(round_div(
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        ))
    }

    /// [`Cents::mul_ratio`], or `None` if the result does not fit.
    pub fn checked_mul_ratio(self, numerator: i64, denominator: i64) -> Option<Cents> {
        checked_round_div(
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        )
        .map(Cents)
    }

    /// Parses what a person types: `12,50`, `12.50`, `12`, `1 234,5 $`. At most two decimals.
    pub fn parse_input(s: &str) -> Option<Cents> {
        let cleaned: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '$' && *c != '\u{a0}' && *c != '\u{202f}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        if cleaned.is_empty() {
            return None;
        }
        let (neg, body) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        if whole.is_empty() && frac.is_empty() || frac.len() > 2 {
            return None;
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let w: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let f: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        let v = w.checked_mul(100)?.checked_add(f)?;
        Some(Cents(if neg { -v } else { v }))
    }

    /// `self + o`, or `None` if it would not fit.
    pub fn checked_add(self, o: Cents) -> Option<Cents> {
        self.0.checked_add(o.0).map(Cents)
    }

    /// `self - o`, or `None` if it would not fit.
    pub fn checked_sub(self, o: Cents) -> Option<Cents> {
        self.0.checked_sub(o.0).map(Cents)
    }

    /// `self × k`, or `None` if it would not fit.
    pub fn checked_mul(self, k: i64) -> Option<Cents> {
        self.0.checked_mul(k).map(Cents)
    }

    /// `-self`, or `None` for the one amount without an opposite.
    pub fn checked_neg(self) -> Option<Cents> {
        self.0.checked_neg().map(Cents)
    }

    /// The sum of amounts, or `None` if it would not fit.
    pub fn checked_sum<I: IntoIterator<Item = Cents>>(items: I) -> Option<Cents> {
        items
            .into_iter()
            .try_fold(Cents::ZERO, |acc, c| acc.checked_add(c))
    }

    /// `12.50` (for inputs and exports; people see [`crate::format`]).
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Integer division rounded half away from zero. A quotient beyond `i64` stops (it never
/// saturates: a clamped amount would be wrong money); see [`checked_round_div`].
pub fn round_div(n: i128, d: i128) -> i64 {
    checked_round_div(n, d).unwrap_or_else(|| overflow("÷"))
}

/// Integer division rounded half away from zero, or `None` if the quotient does not fit in
/// `i64`. Dividing by zero gives zero.
pub fn checked_round_div(n: i128, d: i128) -> Option<i64> {
    if d == 0 {
        return Some(0);
    }
    let q = n.checked_div(d)?;
    let r = n.checked_rem(d)?;
    let adjust = if r.unsigned_abs() >= d.unsigned_abs() - r.unsigned_abs() {
        if (n < 0) != (d < 0) { -1 } else { 1 }
    } else {
        0
    };
    i64::try_from(q.checked_add(adjust)?).ok()
}

// The operators never wrap: an overflow stops the computation in every build (a wrapped
// amount would be wrong money written silently). Every amount entering Halles is bounded by
// [`crate::limits`], far below what `i64` holds, so they cannot overflow on real data; where
// a figure is not bounded yet, use the `checked_*` methods.
impl Add for Cents {
    type Output = Cents;
    fn add(self, o: Cents) -> Cents {
        self.checked_add(o).unwrap_or_else(|| overflow("+"))
    }
}
impl AddAssign for Cents {
    fn add_assign(&mut self, o: Cents) {
        *self = *self + o;
    }
}
impl Sub for Cents {
    type Output = Cents;
    fn sub(self, o: Cents) -> Cents {
        self.checked_sub(o).unwrap_or_else(|| overflow("-"))
    }
}
impl Mul<i64> for Cents {
    type Output = Cents;
    fn mul(self, k: i64) -> Cents {
        self.checked_mul(k).unwrap_or_else(|| overflow("×"))
    }
}
impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
}

#[cold]
#[track_caller]
fn overflow(op: &str) -> ! {
    panic!("amount overflow in Cents {op}: an unbounded amount reached arithmetic")
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(Cents(1000).mul_ratio(1, 3), Cents(333));
        assert_eq!(Cents(5).mul_ratio(1, 2), Cents(3));
        assert_eq!(Cents(-5).mul_ratio(1, 2), Cents(-3));
        assert_eq!(Cents(1999).mul_ratio(9975, 100_000), Cents(199));
    }

    #[test]
    fn typed_amounts_parse_in_both_languages() {
        assert_eq!(Cents::parse_input("12,50"), Some(Cents(1250)));
        assert_eq!(Cents::parse_input("12.5"), Some(Cents(1250)));
        assert_eq!(Cents::parse_input("1 234,56 $"), Some(Cents(123_456)));
        assert_eq!(Cents::parse_input("7"), Some(Cents(700)));
        assert_eq!(Cents::parse_input("1,234"), None);
        assert_eq!(Cents::parse_input("abc"), None);
        assert_eq!(Cents::parse_input(""), None);
        assert_eq!(Cents(123_456).plain(), "1234.56");
        assert_eq!(Cents(i64::MIN).plain(), "-92233720368547758.08");
    }

    #[test]
    fn arithmetic_never_wraps() {
        assert_eq!(Cents(i64::MAX).checked_add(Cents(1)), None);
        assert_eq!(Cents(i64::MIN).checked_sub(Cents(1)), None);
        assert_eq!(Cents(i64::MAX).checked_mul(2), None);
        assert_eq!(Cents(i64::MIN).checked_neg(), None);
        assert_eq!(Cents::checked_sum([Cents(i64::MAX), Cents(1)]), None);
        assert_eq!(Cents::checked_sum([Cents(2), Cents(3)]), Some(Cents(5)));
        assert!(std::panic::catch_unwind(|| Cents(i64::MAX) + Cents(1)).is_err());
        assert!(std::panic::catch_unwind(|| Cents(i64::MIN) - Cents(1)).is_err());
        assert!(std::panic::catch_unwind(|| Cents(i64::MAX) * 2).is_err());
        assert!(
            std::panic::catch_unwind(|| [Cents(i64::MAX), Cents(1)].into_iter().sum::<Cents>())
                .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn checked_arithmetic_is_exact_or_refused(a: i64, b: i64) {
            let wide = i128::from(a) + i128::from(b);
            match Cents(a).checked_add(Cents(b)) {
                Some(c) => proptest::prop_assert_eq!(i128::from(c.0), wide),
                None => proptest::prop_assert!(i64::try_from(wide).is_err()),
            }
            let wide = i128::from(a) - i128::from(b);
            match Cents(a).checked_sub(Cents(b)) {
                Some(c) => proptest::prop_assert_eq!(i128::from(c.0), wide),
                None => proptest::prop_assert!(i64::try_from(wide).is_err()),
            }
            let wide = i128::from(a) * i128::from(b);
            match Cents(a).checked_mul(b) {
                Some(c) => proptest::prop_assert_eq!(i128::from(c.0), wide),
                None => proptest::prop_assert!(i64::try_from(wide).is_err()),
            }
        }

        #[test]
        fn sums_of_bounded_amounts_never_overflow(
            v in proptest::collection::vec(0i64..=crate::limits::MAX_BUDGET.0, 0..1000)
        ) {
            proptest::prop_assert!(Cents::checked_sum(v.into_iter().map(Cents)).is_some());
        }
    }
}
