//! Québec sales taxes: GST 5 % and QST 9.975 %, each on the price before tax.
//!
//! One function, [`compute`], taxes a document (an invoice, or the order-time estimate) from
//! its lines, discounts, delivery fee and deposits, under a hub's [`TaxSettings`]. Each tax is
//! computed once per document on its own taxable base and rounded half away from zero to the
//! cent; everything before that is exact integer arithmetic in cents.

use crate::money::{Cents, round_div};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// GST in hundred-thousandths (5 %).
pub const GST_RATE: i64 = 5_000;
/// QST in hundred-thousandths (9.975 %).
pub const QST_RATE: i64 = 9_975;
const RATE_SCALE: i64 = 100_000;
/// A percentage discount is in hundredths of a percent (basis points): 10 % is 1,000.
pub const PERCENT_SCALE: i64 = 10_000;

/// How a product or fee is taxed by one tax (GST or QST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxClass {
    /// Basic groceries: zero-rated (taxable at 0 %).
    ZeroRated,
    /// Taxable.
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

    /// The one letter printed on an invoice line: T (taxable), Z (zero-rated), E (exempt).
    pub fn letter(self) -> char {
        match self {
            TaxClass::ZeroRated => 'Z',
            TaxClass::Taxable => 'T',
            TaxClass::Exempt => 'E',
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

/// A product's or a fee's GST and QST statuses, which can differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaxCodes {
    /// Its GST status.
    pub gst: TaxClass,
    /// Its QST status.
    pub qst: TaxClass,
}

impl TaxCodes {
    /// Zero-rated for both taxes (basic groceries).
    pub const ZERO_RATED: TaxCodes = TaxCodes::both(TaxClass::ZeroRated);
    /// Taxable for both taxes.
    pub const TAXABLE: TaxCodes = TaxCodes::both(TaxClass::Taxable);
    /// Exempt from both taxes.
    pub const EXEMPT: TaxCodes = TaxCodes::both(TaxClass::Exempt);

    /// The same status for both taxes (what a single tax class meant before).
    pub const fn both(class: TaxClass) -> TaxCodes {
        TaxCodes {
            gst: class,
            qst: class,
        }
    }

    /// The code printed on an invoice line: the GST letter then the QST letter ("TZ").
    pub fn code(self) -> String {
        [self.gst.letter(), self.qst.letter()].iter().collect()
    }
}

/// Statuses in force from a date (a product's history is a list of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedCodes {
    /// First day in force.
    pub from: Date,
    /// The statuses.
    pub codes: TaxCodes,
}

/// The statuses in force on a day: the latest that starts on or before it.
pub fn in_force(history: &[DatedCodes], on: Date) -> Option<TaxCodes> {
    history
        .iter()
        .filter(|d| d.from <= on)
        .max_by_key(|d| d.from)
        .map(|d| d.codes)
}

/// The first year a dated status can start in.
pub const STATUS_YEAR_MIN: i16 = 2000;
/// The last year a dated status can start in.
pub const STATUS_YEAR_MAX: i16 = 2100;

/// Whether a dated status can start on `from`: a day of the years
/// [`STATUS_YEAR_MIN`] to [`STATUS_YEAR_MAX`] (`tax_status_date_invalid` otherwise).
pub fn check_status_date(from: Date) -> Result<Date, crate::refusals::Refusal> {
    if (STATUS_YEAR_MIN..=STATUS_YEAR_MAX).contains(&from.year()) {
        Ok(from)
    } else {
        Err(crate::refusals::Refusal::TaxStatusDateInvalid)
    }
}

/// How a hub taxes its delivery fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FeeTaxation {
    /// The fee follows the goods it delivers: for each tax, the share of the fee that the
    /// taxable goods make of the goods' value is taxable, the rest is not.
    FollowsGoods,
    /// The fee is always taxable (GST and QST on all of it).
    #[default]
    Taxable,
}

impl FeeTaxation {
    /// Every mode.
    pub const ALL: [FeeTaxation; 2] = [FeeTaxation::FollowsGoods, FeeTaxation::Taxable];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            FeeTaxation::FollowsGoods => "follows_goods",
            FeeTaxation::Taxable => "taxable",
        }
    }
}

impl std::str::FromStr for FeeTaxation {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FeeTaxation::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// What a hub's taxes depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaxSettings {
    /// Registered for GST and QST; a hub that is not charges neither.
    pub registered: bool,
    /// How its delivery fee is taxed.
    pub fee: FeeTaxation,
}

impl Default for TaxSettings {
    /// Registered, fee always taxable: how every hub was taxed before it had settings.
    fn default() -> Self {
        TaxSettings {
            registered: true,
            fee: FeeTaxation::Taxable,
        }
    }
}

/// A discount on a line or on a whole document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    /// A percentage, in basis points (1,000 is 10 %), 0 to 10,000.
    Percent(i64),
    /// A fixed amount, at most what it discounts.
    Fixed(Cents),
}

/// A line of goods to tax: its amount (already at its real weight for a catch-weight line),
/// its statuses and its own discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxLine {
    /// GST and QST statuses in force.
    pub codes: TaxCodes,
    /// Amount before any discount.
    pub amount: Cents,
    /// The line's own discount.
    pub discount: Option<Discount>,
}

/// A document to tax.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaxDocument<'a> {
    /// Its lines of goods.
    pub lines: &'a [TaxLine],
    /// A discount on all the goods (never on delivery or deposits).
    pub discount: Option<Discount>,
    /// The delivery fee (taxed as the hub's [`FeeTaxation`] says; never discounted).
    pub delivery: Cents,
    /// Deposits, each with its statuses (never discounted, not counted as goods for the fee).
    pub deposits: &'a [(TaxCodes, Cents)],
}

/// Why a document cannot be taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    /// A percentage below 0 or above 100 %.
    #[error("a percentage discount is 0 to 100 %")]
    PercentOutOfRange,
    /// A fixed discount below zero or above what it discounts.
    #[error("a fixed discount is at most what it discounts")]
    DiscountTooLarge,
    /// A negative amount.
    #[error("an amount is negative")]
    NegativeAmount,
}

/// The goods of one pair of statuses, after discounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaxGroup {
    /// The statuses.
    pub codes: TaxCodes,
    /// Sum of its lines after their own discounts.
    pub goods: Cents,
    /// Its share of the document's discount.
    pub discount: Cents,
}

impl TaxGroup {
    /// What remains after the document's discount.
    pub fn net(&self) -> Cents {
        self.goods - self.discount
    }
}

/// A taxed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxBreakdown {
    /// Whether taxes were charged (the hub is registered).
    pub registered: bool,
    /// Each line's amount after its own discount, in the document's order.
    pub lines: Vec<Cents>,
    /// Goods grouped by statuses, in order of first appearance.
    pub groups: Vec<TaxGroup>,
    /// Goods before any discount.
    pub goods: Cents,
    /// Line and document discounts together.
    pub discounts: Cents,
    /// The delivery fee.
    pub delivery: Cents,
    /// The part of the delivery fee subject to GST.
    pub delivery_gst_taxable: Cents,
    /// The part of the delivery fee subject to QST.
    pub delivery_qst_taxable: Cents,
    /// Deposits.
    pub deposits: Cents,
    /// Everything before tax: goods less discounts, plus delivery and deposits.
    pub subtotal: Cents,
    /// What GST is computed on.
    pub gst_base: Cents,
    /// What QST is computed on.
    pub qst_base: Cents,
    /// GST.
    pub gst: Cents,
    /// QST.
    pub qst: Cents,
}

impl TaxBreakdown {
    /// GST plus QST.
    pub fn taxes(&self) -> Cents {
        self.gst + self.qst
    }

    /// Everything due.
    pub fn total(&self) -> Cents {
        self.subtotal + self.gst + self.qst
    }
}

fn discount_of(amount: Cents, d: Option<Discount>) -> Result<Cents, TaxError> {
    match d {
        None => Ok(Cents::ZERO),
        Some(Discount::Percent(p)) if !(0..=PERCENT_SCALE).contains(&p) => {
            Err(TaxError::PercentOutOfRange)
        }
        Some(Discount::Percent(p)) => Ok(amount.mul_ratio(p, PERCENT_SCALE)),
        Some(Discount::Fixed(f)) if f.0 < 0 || f > amount => Err(TaxError::DiscountTooLarge),
        Some(Discount::Fixed(f)) => Ok(f),
    }
}

/// Splits `amount` over `weights` in proportion, to the cent, the shares adding up exactly:
/// each share is rounded down, then the cents left go to the largest remainders (the first
/// on a tie).
pub fn split_by_value(amount: Cents, weights: &[Cents]) -> Vec<Cents> {
    let total: i128 = weights.iter().map(|w| i128::from(w.0)).sum();
    if total == 0 {
        return weights.iter().map(|_| Cents::ZERO).collect();
    }
    let a = i128::from(amount.0);
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let n = a * i128::from(w.0);
        // Both are non-negative here, so truncation is rounding down.
        shares.push(i64::try_from(n / total).unwrap_or(0));
        remainders.push((n % total, i));
    }
    let left = amount.0 - shares.iter().sum::<i64>();
    remainders.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    for &(_, i) in remainders.iter().take(usize::try_from(left).unwrap_or(0)) {
        shares[i] += 1;
    }
    shares.into_iter().map(Cents).collect()
}

/// Taxes a document: the one function behind the order-time estimate and the invoice.
///
/// 1. Each line less its own discount (a percentage rounded to the cent per line).
/// 2. The goods grouped by their (GST, QST) statuses; a percentage discount on the document
///    is taken from each group (rounded per group), a fixed one is split by value.
/// 3. The delivery fee: all of it taxable, or, following the goods, for each tax the share
///    of the goods' value that is taxable for that tax (rounded to the cent). No goods: all
///    taxable.
/// 4. Each tax on its base (taxable goods, the taxable part of the fee, taxable deposits),
///    rounded half away from zero. Not registered: no tax at all.
pub fn compute(doc: &TaxDocument<'_>, settings: TaxSettings) -> Result<TaxBreakdown, TaxError> {
    let mut lines = Vec::with_capacity(doc.lines.len());
    let mut groups: Vec<TaxGroup> = Vec::new();
    let mut goods = Cents::ZERO;
    let mut discounts = Cents::ZERO;
    for l in doc.lines {
        if l.amount.0 < 0 {
            return Err(TaxError::NegativeAmount);
        }
        let off = discount_of(l.amount, l.discount)?;
        let net = l.amount - off;
        goods += l.amount;
        discounts += off;
        lines.push(net);
        match groups.iter_mut().find(|g| g.codes == l.codes) {
            Some(g) => g.goods += net,
            None => groups.push(TaxGroup {
                codes: l.codes,
                goods: net,
                discount: Cents::ZERO,
            }),
        }
    }
    let net_goods: Cents = groups.iter().map(|g| g.goods).sum();
    match doc.discount {
        None => {}
        Some(Discount::Percent(_)) => {
            for g in &mut groups {
                g.discount = discount_of(g.goods, doc.discount)?;
            }
        }
        Some(Discount::Fixed(_)) => {
            let total = discount_of(net_goods, doc.discount)?;
            let weights: Vec<Cents> = groups.iter().map(|g| g.goods).collect();
            for (g, share) in groups.iter_mut().zip(split_by_value(total, &weights)) {
                g.discount = share;
            }
        }
    }
    discounts += groups.iter().map(|g| g.discount).sum();
    if doc.delivery.0 < 0 || doc.deposits.iter().any(|(_, a)| a.0 < 0) {
        return Err(TaxError::NegativeAmount);
    }
    let goods_after: Cents = groups.iter().map(TaxGroup::net).sum();
    let taxable_goods = |tax: fn(&TaxCodes) -> TaxClass| -> Cents {
        groups
            .iter()
            .filter(|g| tax(&g.codes) == TaxClass::Taxable)
            .map(TaxGroup::net)
            .sum()
    };
    let (gst_goods, qst_goods) = (taxable_goods(|c| c.gst), taxable_goods(|c| c.qst));
    let fee_part = |taxable: Cents| -> Cents {
        match settings.fee {
            FeeTaxation::Taxable => doc.delivery,
            FeeTaxation::FollowsGoods if goods_after == Cents::ZERO => doc.delivery,
            FeeTaxation::FollowsGoods => doc.delivery.mul_ratio(taxable.0, goods_after.0),
        }
    };
    let (delivery_gst_taxable, delivery_qst_taxable) = (fee_part(gst_goods), fee_part(qst_goods));
    let deposits: Cents = doc.deposits.iter().map(|(_, a)| *a).sum();
    let taxable_deposits = |tax: fn(&TaxCodes) -> TaxClass| -> Cents {
        doc.deposits
            .iter()
            .filter(|(c, _)| tax(c) == TaxClass::Taxable)
            .map(|(_, a)| *a)
            .sum()
    };
    let (mut gst_base, mut qst_base) = (
        gst_goods + delivery_gst_taxable + taxable_deposits(|c| c.gst),
        qst_goods + delivery_qst_taxable + taxable_deposits(|c| c.qst),
    );
    let (gst, qst) = if settings.registered {
        (
            Cents(round_div(
                i128::from(gst_base.0) * i128::from(GST_RATE),
                i128::from(RATE_SCALE),
            )),
            Cents(round_div(
                i128::from(qst_base.0) * i128::from(QST_RATE),
                i128::from(RATE_SCALE),
            )),
        )
    } else {
        gst_base = Cents::ZERO;
        qst_base = Cents::ZERO;
        (Cents::ZERO, Cents::ZERO)
    };
    Ok(TaxBreakdown {
        registered: settings.registered,
        lines,
        groups,
        goods,
        discounts,
        delivery: doc.delivery,
        delivery_gst_taxable: if settings.registered {
            delivery_gst_taxable
        } else {
            Cents::ZERO
        },
        delivery_qst_taxable: if settings.registered {
            delivery_qst_taxable
        } else {
            Cents::ZERO
        },
        deposits,
        subtotal: goods - discounts + doc.delivery + deposits,
        gst_base,
        qst_base,
        gst,
        qst,
    })
}

/// Checks a GST/HST registration number: 9 digits, `RT`, 4 digits (`123456789RT0001`).
/// Spaces are ignored; the result is the number as printed.
pub fn parse_gst_number(s: &str) -> Option<String> {
    parse_number(s, 9, "RT")
}

/// Checks a QST registration number: 10 digits, `TQ`, 4 digits (`1234567890TQ0001`).
pub fn parse_qst_number(s: &str) -> Option<String> {
    parse_number(s, 10, "TQ")
}

fn parse_number(s: &str, digits: usize, mid: &str) -> Option<String> {
    let n: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = n.len() == digits + 6
        && n.is_char_boundary(digits)
        && n[..digits].bytes().all(|b| b.is_ascii_digit())
        && &n[digits..digits + 2] == mid
        && n[digits + 2..].bytes().all(|b| b.is_ascii_digit());
    ok.then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulfilment::catch_weight_amount;

    const ZZ: TaxCodes = TaxCodes::ZERO_RATED;
    const TT: TaxCodes = TaxCodes::TAXABLE;
    // A single-portion sweet baked good from 2026-07-15: GST taxable, QST zero-rated.
    const TZ: TaxCodes = TaxCodes {
        gst: TaxClass::Taxable,
        qst: TaxClass::ZeroRated,
    };
    const EE: TaxCodes = TaxCodes::EXEMPT;

    #[test]
    fn a_dated_status_starts_in_the_years_2000_to_2100() {
        let day = |s: &str| s.parse::<Date>().unwrap();
        for ok in ["2000-01-01", "2026-07-15", "2100-12-31"] {
            assert_eq!(check_status_date(day(ok)), Ok(day(ok)));
        }
        for bad in ["1999-12-31", "2101-01-01"] {
            assert_eq!(
                check_status_date(day(bad)),
                Err(crate::refusals::Refusal::TaxStatusDateInvalid)
            );
        }
    }

    #[test]
    fn the_muffins_of_the_guide_are_taxed_each_side_of_july_15() {
        // 10 muffins at 2.25 $: taxable for both, then zero-rated for QST.
        let history = [DatedCodes {
            from: "2026-07-15".parse().unwrap(),
            codes: TZ,
        }];
        let tax = |on: &str| {
            let codes = in_force(&history, on.parse().unwrap()).unwrap_or(TT);
            let lines = [line(codes, 2_250)];
            let doc = TaxDocument {
                lines: &lines,
                ..Default::default()
            };
            let t = compute(&doc, TaxSettings::default()).unwrap();
            (t.gst, t.qst, t.total())
        };
        assert_eq!(tax("2026-07-14"), (Cents(113), Cents(224), Cents(2_587)));
        assert_eq!(tax("2026-07-15"), (Cents(113), Cents(0), Cents(2_363)));
    }

    fn line(codes: TaxCodes, cents: i64) -> TaxLine {
        TaxLine {
            codes,
            amount: Cents(cents),
            discount: None,
        }
    }

    /// Goods alone, the hub registered.
    fn goods(lines: &[TaxLine]) -> TaxBreakdown {
        with_fee(lines, Cents::ZERO, FeeTaxation::Taxable)
    }

    /// Goods and a delivery fee taxed as `fee` says, the hub registered.
    fn with_fee(lines: &[TaxLine], delivery: Cents, fee: FeeTaxation) -> TaxBreakdown {
        let doc = TaxDocument {
            lines,
            delivery,
            ..Default::default()
        };
        taxed(doc, fee)
    }

    fn taxed(doc: TaxDocument<'_>, fee: FeeTaxation) -> TaxBreakdown {
        compute(
            &doc,
            TaxSettings {
                registered: true,
                fee,
            },
        )
        .unwrap()
    }

    #[test]
    fn each_tax_is_computed_on_its_own_base_over_mixed_classes() {
        // Vegetables 100.00 (ZZ), soap 20.00 (TT), a muffin 10.00 (TZ), an exempt 5.00.
        let lines = [
            line(ZZ, 10_000),
            line(TT, 2_000),
            line(TZ, 1_000),
            line(EE, 500),
        ];
        let t = goods(&lines);
        assert_eq!(t.gst_base, Cents(3_000)); // 20.00 + 10.00
        assert_eq!(t.qst_base, Cents(2_000)); // 20.00 only
        assert_eq!(t.gst, Cents(150)); // 30.00 × 5 %
        assert_eq!(t.qst, Cents(200)); // 20.00 × 9.975 % = 1.995 → 2.00
        assert_eq!(t.subtotal, Cents(13_500));
        assert_eq!(t.total(), Cents(13_850));
        assert_eq!(t.groups.len(), 4);
    }

    #[test]
    fn a_catch_weight_line_is_taxed_at_its_real_weight() {
        // 1.234 kg at 17.99 $/kg = 22.19966 → 22.20; GST 1.11; QST 2.21445 → 2.21.
        let amount = catch_weight_amount(Cents(1_799), 1_234);
        assert_eq!(amount, Cents(2_220));
        let lines = [line(TT, amount.0), line(ZZ, 1_500)];
        let t = goods(&lines);
        assert_eq!((t.gst, t.qst), (Cents(111), Cents(221)));
        assert_eq!(t.total(), Cents(2_220 + 1_500 + 111 + 221));
    }

    #[test]
    fn a_delivery_fee_always_taxable_is_taxed_whole() {
        // Goods 75.00 ZZ + 25.00 TT, fee 10.00: bases 35.00; GST 1.75; QST 3.49125 → 3.49.
        let lines = [line(ZZ, 7_500), line(TT, 2_500)];
        let t = with_fee(&lines, Cents(1_000), FeeTaxation::Taxable);
        assert_eq!((t.gst_base, t.qst_base), (Cents(3_500), Cents(3_500)));
        assert_eq!((t.gst, t.qst), (Cents(175), Cents(349)));
        assert_eq!(t.total(), Cents(11_000 + 175 + 349));
    }

    #[test]
    fn a_delivery_fee_following_the_goods_is_prorated_by_value() {
        // Same goods: a quarter is taxable, so 2.50 of the 10.00 fee is; bases 27.50;
        // GST 1.375 → 1.38 (half away from zero); QST 2.743125 → 2.74.
        let lines = [line(ZZ, 7_500), line(TT, 2_500)];
        let t = with_fee(&lines, Cents(1_000), FeeTaxation::FollowsGoods);
        assert_eq!(t.delivery_gst_taxable, Cents(250));
        assert_eq!((t.gst_base, t.qst_base), (Cents(2_750), Cents(2_750)));
        assert_eq!((t.gst, t.qst), (Cents(138), Cents(274)));
    }

    #[test]
    fn a_fee_following_goods_taxable_for_one_tax_only_is_prorated_per_tax() {
        // 60.00 ZZ + 40.00 TZ, fee 5.00: 2.00 of it is subject to GST, none to QST.
        let lines = [line(ZZ, 6_000), line(TZ, 4_000)];
        let t = with_fee(&lines, Cents(500), FeeTaxation::FollowsGoods);
        assert_eq!(
            (t.delivery_gst_taxable, t.delivery_qst_taxable),
            (Cents(200), Cents(0))
        );
        assert_eq!((t.gst_base, t.gst), (Cents(4_200), Cents(210)));
        assert_eq!((t.qst_base, t.qst), (Cents(0), Cents(0)));
    }

    #[test]
    fn the_prorated_fee_is_rounded_to_the_cent() {
        // 10.00 × 33.33 / 100.00 = 3.333 → 3.33.
        let lines = [line(ZZ, 6_667), line(TT, 3_333)];
        let t = with_fee(&lines, Cents(1_000), FeeTaxation::FollowsGoods);
        assert_eq!(t.delivery_gst_taxable, Cents(333));
    }

    #[test]
    fn a_fee_with_no_goods_is_taxable() {
        let t = taxed(
            TaxDocument {
                delivery: Cents(1_000),
                ..Default::default()
            },
            FeeTaxation::FollowsGoods,
        );
        assert_eq!((t.gst, t.qst), (Cents(50), Cents(100))); // 0.9975 → 1.00
    }

    #[test]
    fn line_and_percentage_discounts_are_split_per_tax_class() {
        // TT 40.00 less 10 % = 36.00; ZZ 60.00 less 5.00 = 55.00. Then 5 % off the invoice:
        // TT 36.00 − 1.80 = 34.20, ZZ 55.00 − 2.75 = 52.25. GST 1.71; QST 3.41145 → 3.41.
        let lines = [
            TaxLine {
                discount: Some(Discount::Percent(1_000)),
                ..line(TT, 4_000)
            },
            TaxLine {
                discount: Some(Discount::Fixed(Cents(500))),
                ..line(ZZ, 6_000)
            },
        ];
        let t = taxed(
            TaxDocument {
                lines: &lines,
                discount: Some(Discount::Percent(500)),
                delivery: Cents(800),
                ..Default::default()
            },
            FeeTaxation::Taxable,
        );
        assert_eq!(t.lines, vec![Cents(3_600), Cents(5_500)]);
        assert_eq!(t.groups[0].discount, Cents(180));
        assert_eq!(t.groups[1].discount, Cents(275));
        assert_eq!(t.discounts, Cents(400 + 500 + 180 + 275));
        // The delivery fee is never discounted: 34.20 + 8.00.
        assert_eq!(t.gst_base, Cents(4_220));
        assert_eq!((t.gst, t.qst), (Cents(211), Cents(421))); // 2.11; 4.20945 → 4.21
        assert_eq!(t.subtotal, Cents(3_420 + 5_225 + 800));
    }

    #[test]
    fn a_fixed_discount_is_split_by_value() {
        // 10.00 off 30.00 TT + 70.00 ZZ: 3.00 and 7.00; GST on 27.00 = 1.35.
        let lines = [line(TT, 3_000), line(ZZ, 7_000)];
        let t = taxed(
            TaxDocument {
                lines: &lines,
                discount: Some(Discount::Fixed(Cents(1_000))),
                ..Default::default()
            },
            FeeTaxation::Taxable,
        );
        assert_eq!(t.groups[0].discount, Cents(300));
        assert_eq!(t.groups[1].discount, Cents(700));
        assert_eq!((t.gst, t.qst), (Cents(135), Cents(269))); // 2.69325 → 2.69
    }

    #[test]
    fn a_split_adds_up_to_the_cent() {
        let three = [Cents(3_333), Cents(3_333), Cents(3_334)];
        let s = split_by_value(Cents(100), &three);
        assert_eq!(s.iter().copied().sum::<Cents>(), Cents(100));
        assert_eq!(s, vec![Cents(33), Cents(33), Cents(34)]);
        assert_eq!(
            split_by_value(Cents(1), &[Cents(1), Cents(1)]),
            vec![Cents(1), Cents(0)]
        );
    }

    #[test]
    fn deposits_are_never_discounted_nor_count_as_goods_for_the_fee() {
        // 12 bottles: juice 24.00 (ZZ), deposit 12 × 0.10 = 1.20 (ZZ). Soap 6.00 (TT).
        // 50 % off: goods 12.00 + 3.00. The fee 4.00 follows goods: 3.00/15.00 = 0.80.
        let lines = [line(ZZ, 2_400), line(TT, 600)];
        let deposits = [(ZZ, Cents(120))];
        let t = taxed(
            TaxDocument {
                lines: &lines,
                discount: Some(Discount::Percent(5_000)),
                delivery: Cents(400),
                deposits: &deposits,
            },
            FeeTaxation::FollowsGoods,
        );
        assert_eq!(t.deposits, Cents(120));
        assert_eq!(t.delivery_gst_taxable, Cents(80));
        assert_eq!(t.gst_base, Cents(380));
        assert_eq!((t.gst, t.qst), (Cents(19), Cents(38))); // 0.379 → 0.38
        assert_eq!(t.subtotal, Cents(1_200 + 300 + 400 + 120));
        assert_eq!(t.total(), Cents(2_020 + 19 + 38));
    }

    #[test]
    fn a_taxable_deposit_is_in_both_bases() {
        let deposits = [(TT, Cents(1_000))];
        let t = taxed(
            TaxDocument {
                deposits: &deposits,
                ..Default::default()
            },
            FeeTaxation::Taxable,
        );
        assert_eq!((t.gst, t.qst), (Cents(50), Cents(100)));
    }

    #[test]
    fn half_a_cent_rounds_away_from_zero() {
        // 0.10 × 5 % = 0.005 → 0.01; 0.10 × 9.975 % = 0.009975 → 0.01.
        let lines = [line(TT, 10)];
        let t = goods(&lines);
        assert_eq!((t.gst, t.qst), (Cents(1), Cents(1)));
        // 0.30 × 5 % = 0.015 → 0.02; 0.04 × 5 % = 0.002 → 0.00.
        let lines = [line(TT, 30)];
        let t = goods(&lines);
        assert_eq!(t.gst, Cents(2));
    }

    #[test]
    fn taxes_are_per_document_not_per_line() {
        // Three lines of 0.10: per line 3 × 0.01 = 0.03, on the document 0.30 × 5 % = 0.015 → 0.02.
        let lines = [line(TT, 10), line(TT, 10), line(TT, 10)];
        let t = goods(&lines);
        assert_eq!(t.gst, Cents(2));
    }

    #[test]
    fn a_hub_not_registered_charges_no_tax() {
        let lines = [line(TT, 10_000)];
        let t = compute(
            &TaxDocument {
                lines: &lines,
                delivery: Cents(500),
                ..Default::default()
            },
            TaxSettings {
                registered: false,
                fee: FeeTaxation::Taxable,
            },
        )
        .unwrap();
        assert!(!t.registered);
        assert_eq!((t.gst, t.qst, t.gst_base), (Cents(0), Cents(0), Cents(0)));
        assert_eq!(t.total(), Cents(10_500));
    }

    #[test]
    fn bad_discounts_are_refused() {
        let lines = [TaxLine {
            discount: Some(Discount::Percent(10_001)),
            ..line(TT, 100)
        }];
        let doc = TaxDocument {
            lines: &lines,
            ..Default::default()
        };
        assert_eq!(
            compute(&doc, TaxSettings::default()),
            Err(TaxError::PercentOutOfRange)
        );
        let lines = [line(TT, 100)];
        let doc = TaxDocument {
            lines: &lines,
            discount: Some(Discount::Fixed(Cents(101))),
            ..Default::default()
        };
        assert_eq!(
            compute(&doc, TaxSettings::default()),
            Err(TaxError::DiscountTooLarge)
        );
    }

    #[test]
    fn the_status_in_force_is_the_latest_started() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let history = [
            DatedCodes {
                from: d("2000-01-01"),
                codes: TT,
            },
            DatedCodes {
                from: d("2026-07-15"),
                codes: TZ,
            },
        ];
        assert_eq!(in_force(&history, d("2026-07-14")), Some(TT));
        assert_eq!(in_force(&history, d("2026-07-15")), Some(TZ));
        assert_eq!(in_force(&history, d("1999-12-31")), None);
    }

    #[test]
    fn registration_numbers_have_their_format() {
        assert_eq!(
            parse_gst_number("123456789 rt 0001").as_deref(),
            Some("123456789RT0001")
        );
        assert_eq!(parse_gst_number("12345678RT0001"), None);
        assert_eq!(parse_gst_number("123456789TQ0001"), None);
        assert_eq!(
            parse_qst_number("1234567890TQ0001").as_deref(),
            Some("1234567890TQ0001")
        );
        assert_eq!(parse_qst_number("1234567890RT0001"), None);
        assert_eq!(parse_qst_number("1234567890TQ001"), None);
        assert_eq!(parse_qst_number("١٢٣٤٥٦٧٨٩٠TQ0001"), None);
    }

    #[test]
    fn a_single_class_is_the_same_status_for_both_taxes() {
        assert_eq!(TaxCodes::both(TaxClass::Taxable), TT);
        assert_eq!(TZ.code(), "TZ");
    }
}
