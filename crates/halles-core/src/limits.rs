//! The domain maximums of every amount and quantity a person or a program can enter.
//!
//! One table, applied by the pages, the API and the imports alike (through
//! [`Cents::parse_within`], [`Cents::within`], [`Qty::parse_within`], [`Qty::within`] and the
//! [`crate::validation::Validator`] methods built on them), so a figure typed anywhere is refused
//! above its maximum with the same code. The maximums are far below what `i64` holds: sums of
//! bounded amounts cannot overflow, in Rust or in SQL.
//!
//! | What | Maximum | Limit |
//! |---|---|---|
//! | a money movement (a load, an adjustment, a redemption or refund line), an order line, a price, a fee | $100,000 | [`Limit::Movement`] |
//! | a budget, an envelope, a program's total | $10,000,000 | [`Limit::Budget`] |
//! | a quantity (offered, ordered, standing) | 100,000 units | [`MAX_QTY`] |
//! | an order cycle's delivery days | 14 days, the last not before the cut-off's day, none a year after it | [`MAX_DELIVERY_DAYS`], [`MAX_DELIVERY_DAYS_AHEAD`] |
//! | hours before a cut-off when producers are reminded | 1 to 168 (a week) | [`REMINDER_HOURS`] |
//! | lines in one order or standing order | 500 | [`MAX_ORDER_LINES`] |
//! | a buyer's purchase-order number; an order's note | 64; 2,000 characters | [`MAX_PO_NUMBER`], [`MAX_ORDER_NOTE`] |
//! | how long a standing order runs | 2 years from when it is set or changed | [`MAX_STANDING_DAYS`] |
//! | paper coupons in one batch | 1,000 | [`MAX_PAPER_COUPONS`] |
//! | a paper coupon's expiry | tomorrow to 2 years from today | [`MAX_PAPER_EXPIRY_DAYS`] |
//! | a unit's weight (a product's estimate, a weighed unit) | 1 g to 100 kg | [`crate::fulfilment::MAX_UNIT_WEIGHT_G`] |

use crate::money::Cents;
use crate::quantity::Qty;

/// $100,000: the most one money movement, order line, price or fee may be.
pub const MAX_MOVEMENT: Cents = Cents(10_000_000);
/// $10,000,000: the most a budget, an envelope or a program may be.
pub const MAX_BUDGET: Cents = Cents(1_000_000_000);
/// 100,000 units: the most a quantity may be.
pub const MAX_QTY: Qty = Qty(100_000 * Qty::SCALE);
/// The most delivery days one order cycle may have.
pub const MAX_DELIVERY_DAYS: usize = 14;
/// How many days after its cut-off's day a cycle's last delivery day may be.
pub const MAX_DELIVERY_DAYS_AHEAD: i32 = 366;

/// The most lines one order or standing order may have (a hub's whole catalog fits).
pub const MAX_ORDER_LINES: usize = 500;
/// The most characters of a buyer's own purchase-order number.
pub const MAX_PO_NUMBER: usize = 64;
/// The most characters of an order's or a standing order's note.
pub const MAX_ORDER_NOTE: usize = 2_000;
/// How many days ahead a standing order's end may be.
pub const MAX_STANDING_DAYS: i64 = 731;

/// The most paper coupons one batch may have (its sheets stay a reasonable PDF).
pub const MAX_PAPER_COUPONS: u32 = 1_000;
/// How many days ahead a paper coupon's expiry may be.
pub const MAX_PAPER_EXPIRY_DAYS: i64 = 731;

/// Hours before a cycle's cut-off when a hub reminds producers that posted nothing.
pub const REMINDER_HOURS: std::ops::RangeInclusive<i64> = 1..=168;

/// Which maximum applies to an amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// One money movement, order line, price or fee: [`MAX_MOVEMENT`].
    Movement,
    /// A budget, an envelope or a program: [`MAX_BUDGET`].
    Budget,
}

impl Limit {
    /// The maximum itself.
    pub fn max(self) -> Cents {
        match self {
            Limit::Movement => MAX_MOVEMENT,
            Limit::Budget => MAX_BUDGET,
        }
    }

    /// The stable code of an amount above this maximum (also its translation key `err-…`).
    pub fn too_large_code(self) -> &'static str {
        match self {
            Limit::Movement => "amount_too_large",
            Limit::Budget => "budget_too_large",
        }
    }
}

/// Why an amount or a quantity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a number as people write them.
    #[error("not an amount")]
    Invalid,
    /// Below zero where only positive amounts make sense.
    #[error("negative amount")]
    Negative,
    /// Above the maximum of its kind.
    #[error("amount above {0:?}")]
    TooLarge(Limit),
    /// A quantity above [`MAX_QTY`].
    #[error("quantity above the maximum")]
    QtyTooLarge,
}

impl AmountError {
    /// The stable code (and translation key suffix): `invalid_amount`, `negative_amount`,
    /// `amount_too_large`, `budget_too_large` or `qty_too_large`.
    pub fn code(self) -> &'static str {
        match self {
            AmountError::Invalid => "invalid_amount",
            AmountError::Negative => "negative_amount",
            AmountError::TooLarge(l) => l.too_large_code(),
            AmountError::QtyTooLarge => "qty_too_large",
        }
    }

    /// The refusal of the same code.
    pub fn refusal(self) -> crate::refusals::Refusal {
        use crate::refusals::Refusal;
        match self {
            AmountError::Invalid => Refusal::InvalidAmount,
            AmountError::Negative => Refusal::NegativeAmount,
            AmountError::TooLarge(Limit::Movement) => Refusal::AmountTooLarge,
            AmountError::TooLarge(Limit::Budget) => Refusal::BudgetTooLarge,
            AmountError::QtyTooLarge => Refusal::QtyTooLarge,
        }
    }

    /// The translation key of the message of a too large or negative amount
    /// (`err-` and the code), or `invalid` for an unreadable one.
    pub fn message_key(self, invalid: &'static str) -> &'static str {
        match self {
            AmountError::Invalid => invalid,
            AmountError::Negative => "err-negative_amount",
            AmountError::TooLarge(Limit::Movement) => "err-amount_too_large",
            AmountError::TooLarge(Limit::Budget) => "err-budget_too_large",
            AmountError::QtyTooLarge => "err-qty_too_large",
        }
    }

    /// The code, with `invalid` replaced by a field's own code for an unreadable value
    /// (`price_invalid`, `qty_invalid`...).
    pub fn code_or(self, invalid: &'static str) -> &'static str {
        match self {
            AmountError::Invalid => invalid,
            other => other.code(),
        }
    }
}

impl Cents {
    /// This amount if it lies between zero and the maximum of `limit`.
    pub fn within(self, limit: Limit) -> Result<Cents, AmountError> {
        if self.0 < 0 {
            Err(AmountError::Negative)
        } else if self > limit.max() {
            Err(AmountError::TooLarge(limit))
        } else {
            Ok(self)
        }
    }

    /// This amount if its size (either sign) is at most the maximum of `limit`: corrections.
    pub fn within_signed(self, limit: Limit) -> Result<Cents, AmountError> {
        if self.0.checked_abs().is_none_or(|a| a > limit.max().0) {
            Err(AmountError::TooLarge(limit))
        } else {
            Ok(self)
        }
    }

    /// Parses what a person typed ([`Cents::parse_input`]) and checks it with
    /// [`Cents::within`]. A number too long to hold is too large, not unreadable.
    pub fn parse_within(s: &str, limit: Limit) -> Result<Cents, AmountError> {
        Self::parse_typed(s, limit)?.within(limit)
    }

    /// Like [`Cents::parse_within`], negative amounts allowed ([`Cents::within_signed`]).
    pub fn parse_within_signed(s: &str, limit: Limit) -> Result<Cents, AmountError> {
        Self::parse_typed(s, limit)?.within_signed(limit)
    }

    fn parse_typed(s: &str, limit: Limit) -> Result<Cents, AmountError> {
        match Cents::parse_input(s) {
            Some(c) => Ok(c),
            None if overflows(s, 2) => Err(AmountError::TooLarge(limit)),
            None => Err(AmountError::Invalid),
        }
    }
}

impl Qty {
    /// This quantity if it lies between zero and [`MAX_QTY`].
    pub fn within(self) -> Result<Qty, AmountError> {
        if self.0 < 0 {
            Err(AmountError::Negative)
        } else if self > MAX_QTY {
            Err(AmountError::QtyTooLarge)
        } else {
            Ok(self)
        }
    }

    /// Parses what a person typed ([`Qty::parse_input`]) and checks it with [`Qty::within`].
    pub fn parse_within(s: &str) -> Result<Qty, AmountError> {
        match Qty::parse_input(s) {
            Some(q) => q.within(),
            None if overflows(s, 3) => Err(AmountError::QtyTooLarge),
            None => Err(AmountError::Invalid),
        }
    }
}

/// A well-formed positive decimal (at most `decimals` after the mark) whose whole part is too
/// long for the parsers: too large rather than unreadable.
fn overflows(s: &str, decimals: usize) -> bool {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let (whole, frac) = t.split_once([',', '.']).unwrap_or((t.as_str(), ""));
    whole.len() > 15
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= decimals
        && frac.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_holds_the_documented_figures() {
        assert_eq!(MAX_MOVEMENT.plain(), "100000.00");
        assert_eq!(MAX_BUDGET.plain(), "10000000.00");
        assert_eq!(MAX_QTY.plain(), "100000");
    }

    #[test]
    fn typed_amounts_are_bounded() {
        let m = Limit::Movement;
        assert_eq!(Cents::parse_within("100 000,00", m), Ok(MAX_MOVEMENT));
        assert_eq!(
            Cents::parse_within("100000,01", m),
            Err(AmountError::TooLarge(m))
        );
        assert_eq!(
            Cents::parse_within("1000000000,00", m),
            Err(AmountError::TooLarge(m))
        );
        assert_eq!(
            Cents::parse_within("92233720368547758070", m),
            Err(AmountError::TooLarge(m))
        );
        assert_eq!(Cents::parse_within("-1", m), Err(AmountError::Negative));
        assert_eq!(Cents::parse_within("abc", m), Err(AmountError::Invalid));
        assert_eq!(
            Cents::parse_within_signed("-100000", m),
            Ok(Cents(-10_000_000))
        );
        assert_eq!(
            Cents::parse_within_signed("-100000,01", m),
            Err(AmountError::TooLarge(m))
        );
        assert_eq!(
            Cents::parse_within("10 000 000,00", Limit::Budget),
            Ok(MAX_BUDGET)
        );
        assert_eq!(
            Cents::parse_within("10000000,01", Limit::Budget).map_err(AmountError::code),
            Err("budget_too_large")
        );
        assert_eq!(
            Cents(i64::MIN).within_signed(m),
            Err(AmountError::TooLarge(m))
        );
        assert_eq!(Cents(i64::MAX).within(m), Err(AmountError::TooLarge(m)));
    }

    #[test]
    fn typed_quantities_are_bounded() {
        assert_eq!(Qty::parse_within("100000"), Ok(MAX_QTY));
        assert_eq!(
            Qty::parse_within("100000,001"),
            Err(AmountError::QtyTooLarge)
        );
        assert_eq!(
            Qty::parse_within("99999999999999999999"),
            Err(AmountError::QtyTooLarge)
        );
        assert_eq!(Qty::parse_within("x"), Err(AmountError::Invalid));
        assert_eq!(Qty(-1).within(), Err(AmountError::Negative));
    }

    proptest! {
        #[test]
        fn a_bounded_amount_is_what_was_typed(c in 0i64..=10_000_000) {
            let typed = Cents(c).plain().replace('.', ",");
            prop_assert_eq!(Cents::parse_within(&typed, Limit::Movement), Ok(Cents(c)));
        }

        #[test]
        fn nothing_above_the_maximum_passes(c in 10_000_001i64..) {
            prop_assert_eq!(
                Cents::parse_within(&Cents(c).plain(), Limit::Movement),
                Err(AmountError::TooLarge(Limit::Movement))
            );
            prop_assert!(Cents(c).within(Limit::Movement).is_err());
            prop_assert!(Cents(-c).within_signed(Limit::Movement).is_err());
        }

        #[test]
        fn quantities_round_trip_or_are_refused(q in 0i64..=i64::MAX) {
            let r = Qty::parse_within(&Qty(q).plain());
            if q <= MAX_QTY.0 {
                prop_assert_eq!(r, Ok(Qty(q)));
            } else {
                prop_assert_eq!(r, Err(AmountError::QtyTooLarge));
            }
        }
    }
}
