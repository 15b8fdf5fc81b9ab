//! Producers' statements and payouts: the period a statement covers, who bears a loss, the
//! statement number and the bounds of a payout's date and reference.

use crate::CycleId;
use crate::refusals::Refusal;
use crate::validation::Validator;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The longest payout reference (a cheque number, a transfer's confirmation).
pub const REFERENCE_MAX: usize = 60;
/// The earliest year a month period or a payout date may name.
pub const YEAR_MIN: i16 = 2000;
/// The latest.
pub const YEAR_MAX: i16 = 2100;
/// What statement numbers start with (`REL-2026-0001`).
pub const STATEMENT_PREFIX: &str = "REL-";

/// Who bears a loss of the producer's goods after the hub received them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ChargedTo {
    /// The producer: it is not paid for what was lost.
    #[default]
    Producer,
    /// The hub: it pays the producer for what was lost, at the producer's price.
    Hub,
}

impl ChargedTo {
    /// Both.
    pub const ALL: [ChargedTo; 2] = [ChargedTo::Producer, ChargedTo::Hub];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ChargedTo::Producer => "producer",
            ChargedTo::Hub => "hub",
        }
    }
}

impl std::str::FromStr for ChargedTo {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChargedTo::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// The period a statement covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    /// The invoices of one order cycle's orders, and the losses of its lots.
    Cycle {
        /// The cycle.
        cycle: CycleId,
    },
    /// The invoices dated in one calendar month, and the losses recorded in it (Montréal).
    Month {
        /// Year.
        year: i16,
        /// Month, 1 to 12.
        month: i8,
    },
}

impl Period {
    /// Its code (`cycle` or `month`).
    pub fn kind(&self) -> &'static str {
        match self {
            Period::Cycle { .. } => "cycle",
            Period::Month { .. } => "month",
        }
    }

    /// A month's first and last days, if it is a month within [`YEAR_MIN`]..=[`YEAR_MAX`].
    pub fn month_days(year: i16, month: i8) -> Option<(Date, Date)> {
        if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
            return None;
        }
        let first = Date::new(year, month, 1).ok()?;
        Some((first, first.last_of_month()))
    }

    /// Reads a month typed as `2026-12`.
    pub fn parse_month(text: &str) -> Option<Period> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        Period::month_days(year, month)?;
        Some(Period::Month { year, month })
    }
}

/// A statement number: `REL-`, the year, a dash and the sequence on at least 4 digits.
pub fn statement_number(year: i64, seq: i64) -> String {
    format!("{STATEMENT_PREFIX}{year}-{seq:04}")
}

/// Checks a payout: its date within the years Halles accepts and not after `today`, its
/// reference 1 to [`REFERENCE_MAX`] characters of clean text (each problem on its field).
pub fn check_payout(v: &mut Validator, paid_on: Date, reference: &str, today: Date) {
    if !(YEAR_MIN..=YEAR_MAX).contains(&paid_on.year()) || paid_on > today {
        v.refuse("paid_on", Refusal::PayoutDateInvalid);
    }
    if v.required("reference", reference) {
        v.max_len("reference", reference, REFERENCE_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_and_bounded() {
        assert_eq!(
            Period::parse_month("2026-12"),
            Some(Period::Month {
                year: 2026,
                month: 12
            })
        );
        assert_eq!(
            Period::month_days(2026, 2),
            Some(("2026-02-01".parse().unwrap(), "2026-02-28".parse().unwrap()))
        );
        for bad in [
            "2026-13", "2026-0", "1999-05", "2101-01", "26-01", "2026", "x-y",
        ] {
            assert_eq!(Period::parse_month(bad), None, "{bad}");
        }
        assert_eq!(statement_number(2026, 7), "REL-2026-0007");
        assert_eq!("hub".parse::<ChargedTo>().unwrap(), ChargedTo::Hub);
    }

    #[test]
    fn a_payout_needs_a_past_date_and_a_short_reference() {
        let today: Date = "2026-12-10".parse().unwrap();
        let mut v = Validator::new();
        check_payout(&mut v, today, "CHQ 1042", today);
        assert!(v.is_ok());
        let mut v = Validator::new();
        check_payout(
            &mut v,
            "2026-12-11".parse().unwrap(),
            &"x".repeat(61),
            today,
        );
        let errors = v.into_errors();
        assert_eq!(errors.len(), 2);
        let mut v = Validator::new();
        check_payout(&mut v, today, "  ", today);
        assert_eq!(v.into_errors()[0].field, "reference");
    }
}
