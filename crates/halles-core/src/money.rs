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

    /// `12.50` (for inputs and exports; people see [`crate::format`]).
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }
}

/// Integer division rounded half away from zero.
pub fn round_div(n: i128, d: i128) -> i64 {
    if d == 0 {
        return 0;
    }
    let q = n / d;
    let r = n % d;
    let adjust = if 2 * r.abs() >= d.abs() {
        if (n < 0) != (d < 0) { -1 } else { 1 }
    } else {
        0
    };
    i64::try_from(q + adjust).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, o: Cents) -> Cents {
        Cents(self.0 + o.0)
    }
}
impl AddAssign for Cents {
    fn add_assign(&mut self, o: Cents) {
        self.0 += o.0;
    }
}
impl Sub for Cents {
    type Output = Cents;
    fn sub(self, o: Cents) -> Cents {
        Cents(self.0 - o.0)
    }
}
impl Mul<i64> for Cents {
    type Output = Cents;
    fn mul(self, k: i64) -> Cents {
        Cents(self.0 * k)
    }
}
impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
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
    }
}
