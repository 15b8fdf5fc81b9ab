//! Price lists: a buyer pays the producer's price plus the hub's margin, chosen by the most
//! specific rule that matches.

use crate::catalog::coded_enum;
use crate::money::Cents;
use crate::organizations::UnknownCode;
use crate::{OrgId, ProductId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

coded_enum!(
    /// The kind of customer a buyer is, for price lists.
    BuyerType {
        /// Hospitals, schools, daycares.
        Institution => "institution",
        /// Restaurants.
        Restaurant => "restaurant",
        /// Grocers.
        Grocer => "grocer",
        /// Households.
        Household => "household",
        /// Community groups.
        CommunityGroup => "community_group",
    }
);

/// A margin in basis points (1 % = 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginBp(pub i64);

/// One pricing rule of a hub. Unset fields match anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceRule {
    /// Only buyers of this type.
    pub buyer_type: Option<BuyerType>,
    /// Only this buyer.
    pub buyer: Option<OrgId>,
    /// Only this product.
    pub product: Option<ProductId>,
    /// The margin added to the producer's price.
    pub margin: MarginBp,
}

impl PriceRule {
    /// How specific the rule is when it matches: buyer 4, product 2, buyer type 1. A rule for
    /// this buyer beats a rule for this product, which beats a rule for the buyer's type.
    fn score(&self, buyer: OrgId, buyer_type: BuyerType, product: ProductId) -> Option<u8> {
        let mut s = 0;
        match self.buyer {
            Some(b) if b == buyer => s += 4,
            Some(_) => return None,
            None => {}
        }
        match self.product {
            Some(p) if p == product => s += 2,
            Some(_) => return None,
            None => {}
        }
        match self.buyer_type {
            Some(t) if t == buyer_type => s += 1,
            Some(_) => return None,
            None => {}
        }
        Some(s)
    }
}

/// The margin that applies, or `default` when no rule matches.
pub fn margin_for(
    rules: &[PriceRule],
    default: MarginBp,
    buyer: OrgId,
    buyer_type: BuyerType,
    product: ProductId,
) -> MarginBp {
    rules
        .iter()
        .filter_map(|r| r.score(buyer, buyer_type, product).map(|s| (s, r.margin)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, m)| m)
        .unwrap_or(default)
}

/// The buyer's price: the producer's price plus the margin, rounded once.
pub fn buyer_price(producer_price: Cents, margin: MarginBp) -> Cents {
    producer_price.mul_ratio(10_000 + margin.0, 10_000)
}

/// The estimated price of one unit of a catch-weight product (priced per kilogram, weighed at
/// packing): the price per kg times the unit's estimated weight, rounded once.
pub fn catch_weight_unit_price(per_kg: Cents, est_weight_g: i64) -> Cents {
    per_kg.mul_ratio(est_weight_g, 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUYER: OrgId = OrgId(10);
    const OTHER: OrgId = OrgId(11);
    const CARROTS: ProductId = ProductId(1);
    const MILK: ProductId = ProductId(2);

    fn rules() -> Vec<PriceRule> {
        vec![
            PriceRule {
                buyer_type: Some(BuyerType::Institution),
                buyer: None,
                product: None,
                margin: MarginBp(1500),
            },
            PriceRule {
                buyer_type: Some(BuyerType::Restaurant),
                buyer: None,
                product: None,
                margin: MarginBp(2500),
            },
            PriceRule {
                buyer_type: None,
                buyer: None,
                product: Some(MILK),
                margin: MarginBp(800),
            },
            PriceRule {
                buyer_type: None,
                buyer: Some(BUYER),
                product: None,
                margin: MarginBp(1000),
            },
            PriceRule {
                buyer_type: None,
                buyer: Some(BUYER),
                product: Some(MILK),
                margin: MarginBp(500),
            },
        ]
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let r = rules();
        let d = MarginBp(2000);
        assert_eq!(
            margin_for(&r, d, OTHER, BuyerType::Institution, CARROTS),
            MarginBp(1500)
        );
        assert_eq!(
            margin_for(&r, d, OTHER, BuyerType::Restaurant, CARROTS),
            MarginBp(2500)
        );
        assert_eq!(margin_for(&r, d, OTHER, BuyerType::Household, CARROTS), d);
        assert_eq!(
            margin_for(&r, d, OTHER, BuyerType::Institution, MILK),
            MarginBp(800)
        );
        assert_eq!(
            margin_for(&r, d, BUYER, BuyerType::Institution, CARROTS),
            MarginBp(1000)
        );
        assert_eq!(
            margin_for(&r, d, BUYER, BuyerType::Institution, MILK),
            MarginBp(500)
        );
    }

    #[test]
    fn a_catch_weight_unit_is_priced_by_its_estimated_weight() {
        assert_eq!(catch_weight_unit_price(Cents(1300), 2000), Cents(2600));
        assert_eq!(catch_weight_unit_price(Cents(2400), 450), Cents(1080));
    }

    #[test]
    fn the_buyer_price_adds_the_margin_with_one_rounding() {
        assert_eq!(buyer_price(Cents(399), MarginBp(2000)), Cents(479));
        assert_eq!(buyer_price(Cents(1000), MarginBp(0)), Cents(1000));
        assert_eq!(buyer_price(Cents(333), MarginBp(1500)), Cents(383));
    }
}
