//! Products as producers describe them: sale units, catch weight, origin and certifications.

use crate::gtin::Gtin;
use crate::money::Cents;
use crate::organizations::UnknownCode;
use crate::validation::Validator;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),*
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),*
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| UnknownCode(s.to_owned()))
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// How a product is sold.
    SaleUnit {
        /// By the kilogram.
        Kg => "kg",
        /// By the pound (0.453 592 37 kg).
        Lb => "lb",
        /// By the piece.
        Each => "each",
        /// By the bunch.
        Bunch => "bunch",
        /// By the case of N (the content is described on the product).
        Case => "case",
    }
);

impl SaleUnit {
    /// Whether the unit divides (weight; volume when it comes): other units are counted whole.
    pub fn divisible(self) -> bool {
        matches!(self, SaleUnit::Kg | SaleUnit::Lb)
    }

    /// The weight unit a price in this unit is per, if it is one.
    pub fn weight(self) -> Option<WeightUnit> {
        match self {
            SaleUnit::Kg => Some(WeightUnit::Kg),
            SaleUnit::Lb => Some(WeightUnit::Lb),
            _ => None,
        }
    }

    /// Whether a quantity can be sold in this unit: whole numbers of pieces, bunches and cases.
    pub fn accepts(self, q: crate::quantity::Qty) -> bool {
        self.divisible() || q.0 % crate::quantity::Qty::SCALE == 0
    }
}

coded_enum!(
    /// Where a product comes from (Québec institutions measure their share of Québec food).
    Origin {
        /// Grown or raised in Québec.
        QuebecGrown => "quebec_grown",
        /// Processed in Québec.
        QuebecProcessed => "quebec_processed",
        /// From outside Québec.
        OutsideQuebec => "outside_quebec",
    }
);

impl Origin {
    /// Whether it counts as Québec food.
    pub fn is_quebec(self) -> bool {
        matches!(self, Origin::QuebecGrown | Origin::QuebecProcessed)
    }
}

coded_enum!(
    /// Certifications shown to buyers and filterable.
    Certification {
        /// Aliments du Québec.
        AlimentsDuQuebec => "aliments_du_quebec",
        /// Aliments préparés au Québec.
        AlimentsPreparesAuQuebec => "aliments_prepares_au_quebec",
        /// Certified organic (the certifier is named on the product).
        Organic => "organic",
    }
);

impl Certification {
    /// Parses a space-separated list, ignoring unknown codes.
    pub fn parse_list(s: &str) -> Vec<Certification> {
        s.split_whitespace()
            .filter_map(|c| c.parse().ok())
            .collect()
    }

    /// Joins into a space-separated list.
    pub fn join(list: &[Certification]) -> String {
        list.iter().map(|c| c.code()).collect::<Vec<_>>().join(" ")
    }
}

coded_enum!(
    /// Product categories of the combined catalog.
    Category {
        /// Vegetables.
        Vegetables => "vegetables",
        /// Fruits.
        Fruits => "fruits",
        /// Dairy and cheese.
        Dairy => "dairy",
        /// Meat and eggs.
        MeatEggs => "meat_eggs",
        /// Grains, flours and legumes.
        Grains => "grains",
        /// Maple and honey.
        Sweet => "sweet",
        /// Prepared foods.
        Prepared => "prepared",
    }
);

coded_enum!(
    /// Canada's priority food allergens (Health Canada), declared on a product.
    Allergen {
        /// Eggs.
        Eggs => "eggs",
        /// Milk.
        Milk => "milk",
        /// Mustard.
        Mustard => "mustard",
        /// Peanuts.
        Peanuts => "peanuts",
        /// Crustaceans and molluscs.
        Shellfish => "crustaceans_molluscs",
        /// Fish.
        Fish => "fish",
        /// Sesame seeds.
        Sesame => "sesame",
        /// Soy.
        Soy => "soy",
        /// Sulphites.
        Sulphites => "sulphites",
        /// Tree nuts.
        TreeNuts => "tree_nuts",
        /// Wheat and triticale.
        Wheat => "wheat_triticale",
    }
);

impl Allergen {
    /// Parses a space-separated list as stored, ignoring unknown codes, in display order.
    pub fn parse_list(s: &str) -> Vec<Allergen> {
        let found: Vec<Allergen> = s
            .split_whitespace()
            .filter_map(|c| c.parse().ok())
            .collect();
        Self::ALL
            .iter()
            .copied()
            .filter(|a| found.contains(a))
            .collect()
    }

    /// Joins into a space-separated list, in display order, each once.
    pub fn join(list: &[Allergen]) -> String {
        Self::ALL
            .iter()
            .filter(|a| list.contains(a))
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

coded_enum!(
    /// How a product is kept from the farm to the kitchen.
    Storage {
        /// Frozen.
        Frozen => "frozen",
        /// Refrigerated.
        Refrigerated => "refrigerated",
        /// At room temperature.
        Ambient => "ambient",
    }
);

coded_enum!(
    /// The weight unit a buyer reads prices in first.
    WeightUnit {
        /// Kilograms.
        Kg => "kg",
        /// Pounds.
        Lb => "lb",
    }
);

/// Micrograms in a pound: the international pound is exactly 0.453 592 37 kg.
const MICROGRAMS_PER_LB: i64 = 453_592_370;
/// Micrograms in a kilogram.
const MICROGRAMS_PER_KG: i64 = 1_000_000_000;

/// A price by weight, per kilogram and per pound, and the unit the buyer reads first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeightPrices {
    /// Price of one kilogram.
    pub per_kg: Cents,
    /// Price of one pound.
    pub per_lb: Cents,
    /// The unit shown first.
    pub first: WeightUnit,
}

impl WeightPrices {
    /// Both prices of a price given per `unit`. The price in the other unit is converted
    /// exactly (in micrograms) and rounded once to the cent, half away from zero
    /// (`Cents::mul_ratio`): 12,00 $/kg is 5,44 $/lb, and 5,44 $/lb is 11,99 $/kg. The price
    /// given is kept as it is.
    pub fn of(price: Cents, unit: WeightUnit, first: WeightUnit) -> WeightPrices {
        let (per_kg, per_lb) = match unit {
            WeightUnit::Kg => (price, price.mul_ratio(MICROGRAMS_PER_LB, MICROGRAMS_PER_KG)),
            WeightUnit::Lb => (price.mul_ratio(MICROGRAMS_PER_KG, MICROGRAMS_PER_LB), price),
        };
        WeightPrices {
            per_kg,
            per_lb,
            first,
        }
    }
}

/// The most tags a buyer, a product rule or a cycle rule may carry.
pub const MAX_TAGS: usize = 10;
/// The longest tag, in characters.
pub const MAX_TAG_LEN: usize = 30;

/// Reads tags as typed ("hôpital, CPE  écoles"): words separated by spaces or commas, in lower
/// case, each once, sorted. Refused (`tags_invalid`) past [`MAX_TAGS`] tags, a tag longer than
/// [`MAX_TAG_LEN`] as typed, or a character other than a letter, a digit, `-` or `_`.
pub fn parse_tags(typed: &str) -> Result<Vec<String>, &'static str> {
    let words: Vec<&str> = typed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // Checked as typed: lower case may lengthen a word ("İ" is two characters in lower case).
    let bad = |t: &&str| {
        t.chars().count() > MAX_TAG_LEN
            || !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    if words.iter().any(bad) {
        return Err("tags_invalid");
    }
    let mut tags: Vec<String> = words.into_iter().map(str::to_lowercase).collect();
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_TAGS {
        return Err("tags_invalid");
    }
    Ok(tags)
}

/// Reads tags given one by one (the API's list): each one word as [`parse_tags`] reads it, at
/// most [`MAX_TAGS`] given; in lower case, each once, sorted. Refused (`tags_invalid`) like
/// [`parse_tags`], and for an empty tag or one holding a space or a comma.
pub fn check_tags(list: &[String]) -> Result<Vec<String>, &'static str> {
    let not_one_word =
        |t: &String| t.is_empty() || t.chars().any(|c| c.is_whitespace() || c == ',');
    if list.len() > MAX_TAGS || list.iter().any(not_one_word) {
        return Err("tags_invalid");
    }
    parse_tags(&list.join(" "))
}

/// The longest SKU (the producer's own product code), in characters.
pub const MAX_SKU_LEN: usize = 40;
/// The most units a case may hold.
pub const MAX_CASE_SIZE: i64 = 10_000;

/// What identifies and packs a product, checked the same way by the pages and the API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packaging {
    /// The producer's own code.
    pub sku: String,
    /// The GS1 trade item number.
    pub gtin: Option<Gtin>,
    /// Units per case.
    pub case_size: Option<i64>,
}

/// Checks a SKU (at most [`MAX_SKU_LEN`] characters, `sku_too_long`), a GTIN (empty, or valid:
/// `gtin_invalid`, `gtin_check`) and a case size (1 to [`MAX_CASE_SIZE`], `case_size_invalid`),
/// each error on its field; `None` when any failed.
pub fn check_packaging(
    v: &mut Validator,
    sku: &str,
    gtin: &str,
    case_size: Option<i64>,
) -> Option<Packaging> {
    let sku = sku.trim();
    let mut ok = true;
    if sku.chars().count() > MAX_SKU_LEN {
        v.add("sku", "sku_too_long");
        ok = false;
    }
    let gtin = if gtin.trim().is_empty() {
        None
    } else {
        match gtin.parse::<Gtin>() {
            Ok(g) => Some(g),
            Err(e) => {
                v.add("gtin", e.code());
                ok = false;
                None
            }
        }
    };
    if case_size.is_some_and(|n| !(1..=MAX_CASE_SIZE).contains(&n)) {
        v.add("case_size", "case_size_invalid");
        ok = false;
    }
    ok.then(|| Packaging {
        sku: sku.to_owned(),
        gtin,
        case_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_quebec_origin_is_known() {
        for u in SaleUnit::ALL {
            assert_eq!(u.code().parse::<SaleUnit>().unwrap(), *u);
        }
        assert!(Origin::QuebecProcessed.is_quebec());
        assert!(!Origin::OutsideQuebec.is_quebec());
        assert_eq!(
            Certification::parse_list("organic nope aliments_du_quebec"),
            vec![Certification::Organic, Certification::AlimentsDuQuebec]
        );
    }

    #[test]
    fn prices_by_weight_convert_exactly_and_round_once() {
        let kg = WeightPrices::of(Cents(1200), WeightUnit::Kg, WeightUnit::Kg);
        assert_eq!((kg.per_kg, kg.per_lb), (Cents(1200), Cents(544)));
        let lb = WeightPrices::of(Cents(544), WeightUnit::Lb, WeightUnit::Lb);
        assert_eq!((lb.per_kg, lb.per_lb), (Cents(1199), Cents(544)));
        // 1 $/lb is 2.204 622 6 $/kg: to the nearest cent.
        assert_eq!(
            WeightPrices::of(Cents(100), WeightUnit::Lb, WeightUnit::Kg).per_kg,
            Cents(220)
        );
        assert_eq!(SaleUnit::Lb.weight(), Some(WeightUnit::Lb));
        assert!(SaleUnit::Lb.accepts(crate::quantity::Qty(2_500)));
    }

    #[test]
    fn allergens_keep_display_order_and_tags_are_bounded() {
        assert_eq!(
            Allergen::parse_list("soy nope eggs soy"),
            vec![Allergen::Eggs, Allergen::Soy]
        );
        assert_eq!(Allergen::join(&[Allergen::Soy, Allergen::Eggs]), "eggs soy");
        assert_eq!(
            parse_tags(" Hôpital, cpe  cpe,écoles").unwrap(),
            vec!["cpe", "hôpital", "écoles"]
        );
        assert_eq!(parse_tags("a;b"), Err("tags_invalid"));
        assert_eq!(parse_tags(&"x".repeat(31)), Err("tags_invalid"));
        let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert_eq!(parse_tags(&eleven.join(" ")), Err("tags_invalid"));
        let list = |l: &[&str]| l.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_tags(&list(&["CPE", "hôpital", "cpe"])).unwrap(),
            ["cpe", "hôpital"]
        );
        assert_eq!(check_tags(&list(&["a b"])), Err("tags_invalid"));
        assert_eq!(check_tags(&list(&[""])), Err("tags_invalid"));
        assert_eq!(check_tags(&list(&["a,b"])), Err("tags_invalid"));
        assert_eq!(check_tags(&eleven), Err("tags_invalid"));
        assert_eq!(check_tags(&[]), Ok(vec![]));
        assert_eq!(
            check_tags(&list(&[&"İ".repeat(30)])).map(|t| t[0].chars().count()),
            Ok(60),
            "checked as typed"
        );
    }

    #[test]
    fn packaging_names_each_field_in_error() {
        let mut v = Validator::new();
        assert!(check_packaging(&mut v, "CAR-01", "4006381333932", Some(0)).is_none());
        let codes: Vec<_> = v
            .into_errors()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("gtin".to_owned(), "gtin_check"),
                ("case_size".to_owned(), "case_size_invalid")
            ]
        );
        let mut v = Validator::new();
        let p = check_packaging(&mut v, " CAR-01 ", "4006381333931", Some(12)).unwrap();
        assert_eq!((p.sku.as_str(), p.case_size), ("CAR-01", Some(12)));
    }
}
