//! Billing rules: payment terms and due dates, invoice numbers.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// When an invoice is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PaymentTerms {
    /// On receipt: due on the invoice date.
    #[default]
    OnReceipt,
    /// Net 15 days.
    Net15,
    /// Net 30 days.
    Net30,
}

impl PaymentTerms {
    /// Every term.
    pub const ALL: [PaymentTerms; 3] = [
        PaymentTerms::OnReceipt,
        PaymentTerms::Net15,
        PaymentTerms::Net30,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PaymentTerms::OnReceipt => "on_receipt",
            PaymentTerms::Net15 => "net_15",
            PaymentTerms::Net30 => "net_30",
        }
    }

    /// Days from the invoice date to its due date.
    pub fn days(self) -> i32 {
        match self {
            PaymentTerms::OnReceipt => 0,
            PaymentTerms::Net15 => 15,
            PaymentTerms::Net30 => 30,
        }
    }

    /// The due date of an invoice dated `on` (`on` itself if the sum leaves the calendar).
    pub fn due(self, on: Date) -> Date {
        on.checked_add(self.days().days()).unwrap_or(on)
    }
}

impl std::str::FromStr for PaymentTerms {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentTerms::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// At most this many characters in an invoice prefix.
pub const MAX_PREFIX: usize = 10;

/// A prefix is empty or letters, digits and dashes (ASCII), at most [`MAX_PREFIX`].
pub fn check_prefix(prefix: &str) -> bool {
    prefix.len() <= MAX_PREFIX
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The counter an invoice of `year` draws from: its year when numbers restart each year,
/// else one counter for all years (0).
pub fn counter_year(yearly_reset: bool, year: i16) -> i64 {
    if yearly_reset { i64::from(year) } else { 0 }
}

/// An invoice number: the prefix, the year and a dash when numbers restart each year, and the
/// sequence on at least 4 digits (`FAC-2026-0001`, `H00042`).
pub fn invoice_number(prefix: &str, counter_year: i64, seq: i64) -> String {
    if counter_year == 0 {
        format!("{prefix}{seq:05}")
    } else {
        format!("{prefix}{counter_year}-{seq:04}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_follow_the_terms() {
        let d: Date = "2026-12-20".parse().unwrap();
        assert_eq!(PaymentTerms::OnReceipt.due(d), d);
        assert_eq!(PaymentTerms::Net15.due(d).to_string(), "2027-01-04");
        assert_eq!(PaymentTerms::Net30.due(d).to_string(), "2027-01-19");
    }

    #[test]
    fn numbers_carry_the_year_when_they_restart_each_year() {
        assert_eq!(
            invoice_number("FAC-", counter_year(true, 2026), 1),
            "FAC-2026-0001"
        );
        assert_eq!(invoice_number("H", counter_year(false, 2026), 42), "H00042");
        assert_eq!(invoice_number("", 2027, 12_345), "2027-12345");
    }

    #[test]
    fn prefixes_are_short_and_plain() {
        assert!(check_prefix(""));
        assert!(check_prefix("FAC-"));
        assert!(!check_prefix("FAC 1"));
        assert!(!check_prefix("FACTURES-2026"));
        assert!(!check_prefix("É"));
    }
}
