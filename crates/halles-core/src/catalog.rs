//! Products as producers describe them: sale units, catch weight, origin and certifications.

use crate::organizations::UnknownCode;
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
        matches!(self, SaleUnit::Kg)
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
}
