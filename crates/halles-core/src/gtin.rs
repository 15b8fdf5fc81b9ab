//! GS1 trade item numbers (GTIN-8, -12, -13 and -14) with their mod-10 check digit.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A GTIN whose length and check digit were verified: 8, 12, 13 or 14 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gtin(String);

/// Why a typed GTIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    /// Not 8, 12, 13 or 14 digits.
    #[error("a GTIN has 8, 12, 13 or 14 digits")]
    Format,
    /// The last digit is not the GS1 check digit of the others.
    #[error("the GTIN's check digit is wrong")]
    CheckDigit,
}

impl GtinError {
    /// The stable field code (and translation key suffix): `gtin_invalid` or `gtin_check`.
    pub fn code(self) -> &'static str {
        match self {
            GtinError::Format => "gtin_invalid",
            GtinError::CheckDigit => "gtin_check",
        }
    }
}

/// The GS1 check digit of `digits` (the number without its check digit): from the right,
/// weights 3, 1, 3, 1...; the digit brings the weighted sum up to a multiple of ten.
pub fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl Gtin {
    /// The digits as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Gtin {
    type Err = GtinError;

    /// Reads a GTIN as people type it: spaces and hyphens between digits are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let kept: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !matches!(kept.len(), 8 | 12 | 13 | 14) || !kept.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GtinError::Format);
        }
        let digits: Vec<u8> = kept.bytes().map(|b| b - b'0').collect();
        let (body, last) = digits.split_at(digits.len() - 1);
        if check_digit(body) != last[0] {
            return Err(GtinError::CheckDigit);
        }
        Ok(Gtin(kept))
    }
}

impl TryFrom<String> for Gtin {
    type Error = GtinError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Gtin> for String {
    fn from(g: Gtin) -> String {
        g.0
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers_of_every_length_pass_and_a_changed_digit_fails() {
        // GTIN-13, -12 (UPC-A), -8 (EAN-8) and -14 printed on real packages.
        for ok in [
            "4006381333931",
            "036000291452",
            "96385074",
            "10614141000415",
        ] {
            assert_eq!(ok.parse::<Gtin>().unwrap().as_str(), ok);
        }
        assert_eq!("4006381333932".parse::<Gtin>(), Err(GtinError::CheckDigit));
        assert_eq!("036000291453".parse::<Gtin>(), Err(GtinError::CheckDigit));
        assert_eq!(
            "400 6381-333931".parse::<Gtin>().unwrap().as_str(),
            "4006381333931"
        );
        for bad in [
            "",
            "1234567",
            "12345678901",
            "40063813339a1",
            "123456789012345",
        ] {
            assert_eq!(bad.parse::<Gtin>(), Err(GtinError::Format), "{bad}");
        }
        assert_eq!(GtinError::CheckDigit.code(), "gtin_check");
    }
}
