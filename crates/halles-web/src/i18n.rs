//! Translations (Fluent files in `locales/`) and the one formatting module for dates.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use halles_core::accounts::Lang;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// The time zone every date is shown in.
pub const TIME_ZONE: &str = "America/Toronto";

/// Translates for one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I18n {
    /// The language.
    pub lang: Lang,
}

impl I18n {
    /// A translator for `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The message for `key`; the key itself if missing (a test keeps both files complete).
    pub fn t(&self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message for `key` with named arguments. An argument written as a whole number
    /// ("1", "12", not "012") goes to Fluent as a number, so its plural forms apply ("1
    /// caisse", "2 caisses"); anything else stays text.
    pub fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let value = match v.parse::<i64>() {
                    Ok(n) if n.to_string() == *v => FluentValue::from(n),
                    _ => FluentValue::from(v.clone()),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    /// Whether a key exists in this language.
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(self.id(), key).is_some()
    }

    /// The language code, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A date and time in Montréal: `28 novembre 2026, 14 h 05` or `November 28, 2026, 14:05`.
    pub fn datetime(&self, t: &Timestamp) -> String {
        let z = t.to_zoned(TimeZone::get(TIME_ZONE).unwrap_or(TimeZone::UTC));
        let month = self.t(&format!("month-{}", z.month()));
        match self.lang {
            Lang::Fr => format!(
                "{} {} {}, {} h {:02}",
                z.day(),
                month,
                z.year(),
                z.hour(),
                z.minute()
            ),
            Lang::En => format!(
                "{} {}, {}, {:02}:{:02}",
                month,
                z.day(),
                z.year(),
                z.hour(),
                z.minute()
            ),
        }
    }

    /// An amount: `1 234,56 $` in French (narrow no-break spaces), `$1,234.56` in English.
    pub fn money(&self, c: halles_core::money::Cents) -> String {
        let neg = c.0 < 0;
        let abs = c.0.unsigned_abs();
        let whole = group(
            abs / 100,
            if self.lang == Lang::Fr {
                "\u{202f}"
            } else {
                ","
            },
        );
        let cents = abs % 100;
        let sign = if neg { "-" } else { "" };
        match self.lang {
            Lang::Fr => format!("{sign}{whole},{cents:02}\u{a0}$"),
            Lang::En => format!("{sign}${whole}.{cents:02}"),
        }
    }

    /// A quantity with the decimal mark of the language: `2,5` or `2.5`.
    pub fn qty(&self, q: halles_core::quantity::Qty) -> String {
        let plain = q.plain();
        match self.lang {
            Lang::Fr => plain.replace('.', ","),
            Lang::En => plain,
        }
    }

    /// A quantity with its sale unit: `5 kg`, `12 unités`, `2,5 kg`.
    pub fn qty_unit(
        &self,
        q: halles_core::quantity::Qty,
        unit: halles_core::catalog::SaleUnit,
    ) -> String {
        // French counts below two as singular (1,5 kg), English only exactly one.
        let one = halles_core::quantity::Qty::SCALE;
        let plural = match self.lang {
            Lang::Fr if q.0 < 2 * one => "one",
            Lang::En if q.0 == one => "one",
            _ => "other",
        };
        self.ta(
            "qty-unit",
            &[
                ("qty", self.qty(q)),
                ("unit", unit.code().to_owned()),
                ("count", plural.to_owned()),
            ],
        )
    }

    /// What a short order line is told: "Il reste 3 kg : ...", or that nothing is left.
    pub fn shortage(&self, l: &halles_store::hub::orders::ShortLine) -> String {
        if l.left.0 <= 0 {
            return self.t("err-shortage-none");
        }
        self.ta(
            "err-shortage-left",
            &[("left", self.qty_unit(l.left, l.product.unit))],
        )
    }

    /// A price by weight in both units, the buyer's first: `12,00 $/kg (5,44 $/lb)`.
    pub fn by_weight(&self, w: &halles_core::catalog::WeightPrices) -> String {
        use halles_core::catalog::WeightUnit;
        let kg = format!("{}/kg", self.money(w.per_kg));
        let lb = format!("{}/lb", self.money(w.per_lb));
        let (first, second) = match w.first {
            WeightUnit::Kg => (kg, lb),
            WeightUnit::Lb => (lb, kg),
        };
        self.ta("price-by-weight", &[("first", first), ("second", second)])
    }

    /// An input value for an amount: `12,50` or `12.50`.
    pub fn money_input(&self, c: halles_core::money::Cents) -> String {
        let plain = c.plain();
        match self.lang {
            Lang::Fr => plain.replace('.', ","),
            Lang::En => plain,
        }
    }

    /// A delivery day with its weekday: `jeudi 4 décembre 2026` or `Thursday, December 4, 2026`.
    pub fn day(&self, d: &jiff::civil::Date) -> String {
        let weekday = self.t(&format!("weekday-{}", d.weekday().to_monday_one_offset()));
        let month = self.t(&format!("month-{}", d.month()));
        match self.lang {
            Lang::Fr => format!("{weekday} {} {month} {}", d.day(), d.year()),
            Lang::En => format!("{weekday}, {month} {}, {}", d.day(), d.year()),
        }
    }

    /// A month: `juillet 2026` or `July 2026`.
    pub fn month(&self, d: jiff::civil::Date) -> String {
        format!("{} {}", self.t(&format!("month-{}", d.month())), d.year())
    }

    /// A date in Montréal: `28 novembre 2026` or `November 28, 2026`.
    pub fn date(&self, t: &Timestamp) -> String {
        let z = t.to_zoned(TimeZone::get(TIME_ZONE).unwrap_or(TimeZone::UTC));
        let month = self.t(&format!("month-{}", z.month()));
        match self.lang {
            Lang::Fr => format!("{} {} {}", z.day(), month, z.year()),
            Lang::En => format!("{} {}, {}", month, z.day(), z.year()),
        }
    }
}

fn group(n: u64, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn whole_numbers_choose_the_plural_form_and_other_text_stays_as_typed() {
        let fr = I18n::new(Lang::Fr);
        let en = I18n::new(Lang::En);
        let n = |v: &str| [("n", v.to_owned())];
        assert_eq!(fr.ta("ful-cases", &n("1")), "1 caisse");
        assert_eq!(fr.ta("ful-cases", &n("2")), "2 caisses");
        assert_eq!(en.ta("ful-cases", &n("1")), "1 case");
        assert_eq!(en.ta("ful-cases", &n("12")), "12 cases");
        // Not a whole number as written (a leading zero): passed as text, unchanged.
        assert!(
            fr.ta("po-doc-title", &[("number", "007".to_owned())])
                .contains("007")
        );
    }

    #[test]
    fn amounts_and_quantities_follow_each_language() {
        use halles_core::money::Cents;
        use halles_core::quantity::Qty;
        assert_eq!(
            I18n::new(Lang::Fr).money(Cents(123_456)),
            "1\u{202f}234,56\u{a0}$"
        );
        assert_eq!(I18n::new(Lang::En).money(Cents(123_456)), "$1,234.56");
        assert_eq!(I18n::new(Lang::Fr).money(Cents(-5)), "-0,05\u{a0}$");
        assert_eq!(I18n::new(Lang::Fr).qty(Qty(2500)), "2,5");
        assert_eq!(I18n::new(Lang::En).qty(Qty(2500)), "2.5");
    }

    fn keys(src: &str) -> BTreeSet<String> {
        src.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next())
            .map(|k| k.trim().to_owned())
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let fr = keys(include_str!("../locales/fr/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        assert!(fr.len() > 100);
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let fr = keys(include_str!("../locales/fr/main.ftl"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("src"), root.join("templates")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        let mut missing = Vec::new();
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap();
            // Literal keys passed to t("..."), ta("...") and tr("...").
            for pat in [".t(\"", ".ta(\""] {
                for (i, _) in src.match_indices(pat) {
                    let rest = &src[i + pat.len()..];
                    let key: String = rest.chars().take_while(|c| *c != '"').collect();
                    let known_prefix = ["month-", "kind-", "role-", "scope-", "err-", "problem-"];
                    if !fr.contains(&key) && !known_prefix.iter().any(|p| key == *p) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:#?}"
        );
    }

    #[test]
    fn allergens_are_health_canadas_priority_list_in_both_languages() {
        use halles_core::catalog::Allergen;
        let names = |lang| -> Vec<String> {
            Allergen::ALL
                .iter()
                .map(|a| I18n::new(lang).t(&format!("allergen-{}", a.code())))
                .collect()
        };
        assert_eq!(
            names(Lang::Fr),
            [
                "Œufs",
                "Lait",
                "Moutarde",
                "Arachides",
                "Crustacés et mollusques",
                "Poisson",
                "Graines de sésame",
                "Soja",
                "Sulfites",
                "Noix",
                "Blé et triticale"
            ]
        );
        assert_eq!(
            names(Lang::En),
            [
                "Eggs",
                "Milk",
                "Mustard",
                "Peanuts",
                "Crustaceans and molluscs",
                "Fish",
                "Sesame seeds",
                "Soy",
                "Sulphites",
                "Tree nuts",
                "Wheat and triticale"
            ]
        );
    }

    #[test]
    fn dates_follow_each_language() {
        let t: Timestamp = "2026-11-28T19:05:00Z".parse().unwrap();
        assert_eq!(
            I18n::new(Lang::Fr).datetime(&t),
            "28 novembre 2026, 14 h 05"
        );
        assert_eq!(I18n::new(Lang::En).datetime(&t), "November 28, 2026, 14:05");
        assert_eq!(I18n::new(Lang::Fr).date(&t), "28 novembre 2026");
    }
}
