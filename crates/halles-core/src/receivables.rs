//! Receivables: what a buyer owes a hub after invoices, credit notes and payments.
//!
//! An invoice's balance is its total less what credit notes credited and what payments were
//! allocated to it; its status and its place in the aging report follow from that balance and
//! its due date. A credit note's taxes come from the one tax function
//! ([`crate::taxes::compute`]); see [`credit_taxes`].

use crate::money::Cents;
use crate::taxes::{TaxBreakdown, TaxDocument, TaxError, TaxLine, TaxSettings, compute};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The largest payment recorded at once: 1,000,000.00 $.
pub const MAX_PAYMENT: Cents = Cents(100_000_000);
/// The longest payment reference (a cheque number, an Interac confirmation).
pub const MAX_REFERENCE: usize = 100;
/// The longest reason of a credit note.
pub const MAX_REASON: usize = 500;
/// At most this many invoices one payment is allocated to at once.
pub const MAX_ALLOCATIONS: usize = 100;
/// Days between two reminders of the same overdue invoice.
pub const REMINDER_INTERVAL_DAYS: i64 = 7;

/// How a buyer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A cheque.
    Cheque,
    /// An Interac e-transfer.
    Interac,
    /// Cash.
    Cash,
    /// A card at a payment terminal.
    Card,
    /// Anything else (said in the reference).
    Other,
}

impl PaymentMethod {
    /// Every method.
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::Cheque,
        PaymentMethod::Interac,
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Other,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Interac => "interac",
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Other => "other",
        }
    }
}

impl std::str::FromStr for PaymentMethod {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentMethod::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Nothing paid nor credited, not yet due.
    Unpaid,
    /// Partly paid or credited, the rest not yet due.
    PartlyPaid,
    /// Nothing left to pay.
    Paid,
    /// Something left to pay after its due date.
    Overdue,
}

impl InvoiceStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::PartlyPaid => "partly_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Overdue => "overdue",
        }
    }
}

/// What is known of an invoice's money: its total, what credit notes took off, what
/// payments were allocated to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct InvoiceMoney {
    /// The invoice's total.
    pub total: Cents,
    /// Credited by credit notes.
    pub credited: Cents,
    /// Paid (payments allocated to it).
    pub paid: Cents,
}

impl InvoiceMoney {
    /// What is left to pay: never below zero (a credit note after payment leaves the buyer a
    /// credit, counted by [`InvoiceMoney::overpaid`]).
    pub fn balance(&self) -> Cents {
        Cents((self.total.0 - self.credited.0 - self.paid.0).max(0))
    }

    /// What was credited and paid beyond the total (a credit of the buyer).
    pub fn overpaid(&self) -> Cents {
        Cents((self.credited.0 + self.paid.0 - self.total.0).max(0))
    }

    /// Its status on a day, given its due date.
    pub fn status(&self, due: Date, today: Date) -> InvoiceStatus {
        if self.balance().0 == 0 {
            InvoiceStatus::Paid
        } else if today > due {
            InvoiceStatus::Overdue
        } else if self.credited.0 + self.paid.0 > 0 {
            InvoiceStatus::PartlyPaid
        } else {
            InvoiceStatus::Unpaid
        }
    }
}

/// Days past due on a day (zero or less: not yet overdue).
pub fn days_past_due(due: Date, today: Date) -> i64 {
    (today - due).get_days().into()
}

/// The columns of the aging report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingBucket {
    /// Not yet due.
    Current,
    /// 1 to 30 days past due.
    Days1To30,
    /// 31 to 60 days.
    Days31To60,
    /// 61 to 90 days.
    Days61To90,
    /// More than 90 days.
    Over90,
}

impl AgingBucket {
    /// Every bucket, in order.
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::Current,
        AgingBucket::Days1To30,
        AgingBucket::Days31To60,
        AgingBucket::Days61To90,
        AgingBucket::Over90,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AgingBucket::Current => "current",
            AgingBucket::Days1To30 => "days_1_30",
            AgingBucket::Days31To60 => "days_31_60",
            AgingBucket::Days61To90 => "days_61_90",
            AgingBucket::Over90 => "over_90",
        }
    }

    /// The bucket of an amount `days` past due.
    pub fn of(days: i64) -> AgingBucket {
        match days {
            ..=0 => AgingBucket::Current,
            1..=30 => AgingBucket::Days1To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }

    fn index(self) -> usize {
        match self {
            AgingBucket::Current => 0,
            AgingBucket::Days1To30 => 1,
            AgingBucket::Days31To60 => 2,
            AgingBucket::Days61To90 => 3,
            AgingBucket::Over90 => 4,
        }
    }
}

/// Amounts owed by bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Aging {
    /// By bucket, in the order of [`AgingBucket::ALL`].
    pub buckets: [Cents; 5],
}

impl Aging {
    /// Adds an open balance due on `due`, as seen on `today`.
    pub fn add(&mut self, balance: Cents, due: Date, today: Date) {
        let i = AgingBucket::of(days_past_due(due, today)).index();
        self.buckets[i] += balance;
    }

    /// Adds another report's amounts.
    pub fn merge(&mut self, o: &Aging) {
        for (a, b) in self.buckets.iter_mut().zip(o.buckets) {
            *a += b;
        }
    }

    /// In one bucket.
    pub fn get(&self, b: AgingBucket) -> Cents {
        self.buckets[b.index()]
    }

    /// Every bucket together.
    pub fn total(&self) -> Cents {
        self.buckets.iter().copied().sum()
    }
}

/// The prefix of a hub's credit-note numbers: `AV-` (avoir), or `NC-` when the invoices
/// already use `AV-`, so the two sequences never print the same number.
pub fn credit_note_prefix(invoice_prefix: &str) -> &'static str {
    if invoice_prefix.eq_ignore_ascii_case("AV-") {
        "NC-"
    } else {
        "AV-"
    }
}

/// The taxes of a partial credit note: the credited amounts of its lines, each with the
/// statuses the invoice line had, taxed as a document of their own by
/// [`crate::taxes::compute`] (no delivery fee, no deposits: a partial credit note credits
/// goods). Each tax is rounded once on the note's own base, so two partial notes can together
/// take one cent more or less than the tax on their sum; the note that credits the last of
/// an invoice's goods takes the invoice's remaining tax instead (see the store).
pub fn credit_taxes(lines: &[TaxLine], registered: bool) -> Result<TaxBreakdown, TaxError> {
    compute(
        &TaxDocument {
            lines,
            ..Default::default()
        },
        TaxSettings {
            registered,
            ..Default::default()
        },
    )
}

/// What an invoice really charged for `amount` of its goods (counted before discounts) once
/// its discounts are taken off: the discounts are spread over the goods by value, `amount ×
/// (goods − discount) ÷ goods`, rounded half away from zero; `amount` itself on an invoice
/// without discount. A partial credit note credits this, not the line's price.
pub fn charged_share(amount: Cents, goods: Cents, discount: Cents) -> Cents {
    if discount.0 <= 0 || goods.0 <= 0 {
        return amount;
    }
    amount.mul_ratio(goods.0 - discount.0.min(goods.0), goods.0)
}

/// The monthly statement's period: the first and last day of `month` (`2026-12`, years 2000 to
/// 2100).
pub fn month_period(month: &str) -> Option<(Date, Date)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year: i16 = y.parse().ok()?;
    if !(crate::payouts::YEAR_MIN..=crate::payouts::YEAR_MAX).contains(&year) {
        return None;
    }
    let first = Date::new(year, m.parse().ok()?, 1).ok()?;
    Some((first, first.last_of_month()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxes::{TaxClass, TaxCodes};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_credit_of_discounted_goods_is_what_was_really_charged() {
        // 200.00 of goods less a 10 % discount (20.00): 49.99 of a line credits 44.99
        // (49.99 × 180 / 200 = 44.991); 0.05 credits 0.05 (0.045 rounds up).
        let (goods, discount) = (Cents(20_000), Cents(2_000));
        assert_eq!(charged_share(Cents(4_999), goods, discount), Cents(4_499));
        assert_eq!(charged_share(Cents(5), goods, discount), Cents(5));
        assert_eq!(charged_share(Cents(20_000), goods, discount), Cents(18_000));
        // A fixed 15.00 off 60.00 of goods: 20.00 of it was charged 15.00.
        assert_eq!(
            charged_share(Cents(2_000), Cents(6_000), Cents(1_500)),
            Cents(1_500)
        );
        // No discount: the amount itself.
        assert_eq!(
            charged_share(Cents(4_999), goods, Cents::ZERO),
            Cents(4_999)
        );
        // The taxes follow: 44.99 taxable for both is 2.25 GST (2.2495) and 4.49 QST
        // (4.48775), not the 2.50 and 4.99 of the undiscounted 49.99.
        let t = credit_taxes(
            &[TaxLine {
                codes: TaxCodes::TAXABLE,
                amount: charged_share(Cents(4_999), goods, discount),
                discount: None,
            }],
            true,
        )
        .unwrap();
        assert_eq!((t.gst, t.qst), (Cents(225), Cents(449)));
    }

    #[test]
    fn an_invoice_is_paid_partly_paid_or_overdue_from_its_allocations() {
        let due = d("2026-12-20");
        let m = |credited, paid| InvoiceMoney {
            total: Cents(10_000),
            credited: Cents(credited),
            paid: Cents(paid),
        };
        assert_eq!(m(0, 0).status(due, d("2026-12-20")), InvoiceStatus::Unpaid);
        assert_eq!(
            m(0, 4_000).status(due, d("2026-12-10")),
            InvoiceStatus::PartlyPaid
        );
        assert_eq!(
            m(1_000, 0).status(due, d("2026-12-10")),
            InvoiceStatus::PartlyPaid
        );
        assert_eq!(
            m(0, 4_000).status(due, d("2026-12-21")),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            m(2_000, 8_000).status(due, d("2027-03-01")),
            InvoiceStatus::Paid
        );
        assert_eq!(m(2_000, 8_000).balance(), Cents(0));
        // Credited after it was paid: nothing owed, 20.00 $ to the buyer's credit.
        assert_eq!(m(2_000, 10_000).balance(), Cents(0));
        assert_eq!(m(2_000, 10_000).overpaid(), Cents(2_000));
    }

    #[test]
    fn aging_buckets_start_the_day_after_the_due_date() {
        let due = d("2026-12-20");
        let mut a = Aging::default();
        for (today, cents) in [
            ("2026-12-20", 1),
            ("2026-12-21", 10),
            ("2027-01-19", 100),
            ("2027-01-20", 1_000),
            ("2027-02-18", 10_000),
            ("2027-02-19", 100_000),
            ("2027-03-20", 1_000_000),
            ("2027-03-21", 10_000_000),
        ] {
            a.add(Cents(cents), due, d(today));
        }
        assert_eq!(
            a.buckets,
            [
                Cents(1),
                Cents(110),
                Cents(11_000),
                Cents(1_100_000),
                Cents(10_000_000)
            ]
        );
        assert_eq!(a.total(), Cents(11_111_111));
    }

    #[test]
    fn a_partial_credit_is_taxed_on_its_own_base() {
        // 10.01 $ of taxable goods: GST 0.5005 -> 0.50, QST 0.99849... -> 1.00.
        let lines = [TaxLine {
            codes: TaxCodes::TAXABLE,
            amount: Cents(1_001),
            discount: None,
        }];
        let t = credit_taxes(&lines, true).unwrap();
        assert_eq!(
            (t.gst, t.qst, t.total()),
            (Cents(50), Cents(100), Cents(1_151))
        );
        // Zero-rated goods carry no tax; a hub not registered credits none.
        let z = [TaxLine {
            codes: TaxCodes::both(TaxClass::ZeroRated),
            amount: Cents(700),
            discount: None,
        }];
        assert_eq!(credit_taxes(&z, true).unwrap().total(), Cents(700));
        assert_eq!(credit_taxes(&lines, false).unwrap().total(), Cents(1_001));
    }

    #[test]
    fn credit_notes_never_share_the_invoices_prefix() {
        assert_eq!(credit_note_prefix("FAC-"), "AV-");
        assert_eq!(credit_note_prefix("av-"), "NC-");
    }

    #[test]
    fn a_month_is_its_first_and_last_day() {
        assert_eq!(
            month_period("2027-02"),
            Some((d("2027-02-01"), d("2027-02-28")))
        );
        assert_eq!(month_period("2027-13"), None);
        assert_eq!(month_period("27-02"), None);
    }
}
