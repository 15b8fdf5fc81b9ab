//! Québec sales taxes: GST 5 % and QST 9.975 %, by tax class.

use crate::money::Cents;
use serde::{Deserialize, Serialize};

/// GST in hundred-thousandths (5 %).
pub const GST_RATE: i64 = 5_000;
/// QST in hundred-thousandths (9.975 %).
pub const QST_RATE: i64 = 9_975;
const RATE_SCALE: i64 = 100_000;

/// How a product or fee is taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxClass {
    /// Basic groceries: zero-rated (taxable at 0 %).
    ZeroRated,
    /// Taxable: GST and QST.
    Taxable,
    /// Exempt supplies.
    Exempt,
}

impl TaxClass {
    /// Every class.
    pub const ALL: [TaxClass; 3] = [TaxClass::ZeroRated, TaxClass::Taxable, TaxClass::Exempt];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            TaxClass::ZeroRated => "zero_rated",
            TaxClass::Taxable => "taxable",
            TaxClass::Exempt => "exempt",
        }
    }
}

impl std::str::FromStr for TaxClass {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaxClass::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// Taxes on a set of amounts, computed on the taxable subtotal (one rounding per tax).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Taxes {
    /// The subtotal subject to GST and QST.
    pub taxable: Cents,
    /// GST.
    pub gst: Cents,
    /// QST.
    pub qst: Cents,
}

impl Taxes {
    /// Taxes on `(class, amount)` pairs.
    pub fn on<I: IntoIterator<Item = (TaxClass, Cents)>>(items: I) -> Taxes {
        let taxable: Cents = items
            .into_iter()
            .filter(|(c, _)| *c == TaxClass::Taxable)
            .map(|(_, a)| a)
            .sum();
        Taxes {
            taxable,
            gst: taxable.mul_ratio(GST_RATE, RATE_SCALE),
            qst: taxable.mul_ratio(QST_RATE, RATE_SCALE),
        }
    }

    /// GST plus QST.
    pub fn total(&self) -> Cents {
        self.gst + self.qst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_taxable_amounts_carry_gst_and_qst() {
        let t = Taxes::on([
            (TaxClass::ZeroRated, Cents(10_000)),
            (TaxClass::Taxable, Cents(1_999)),
            (TaxClass::Exempt, Cents(500)),
        ]);
        assert_eq!(t.taxable, Cents(1_999));
        assert_eq!(t.gst, Cents(100));
        assert_eq!(t.qst, Cents(199));
        assert_eq!(t.total(), Cents(299));
    }
}
