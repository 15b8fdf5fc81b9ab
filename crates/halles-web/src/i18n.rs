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

    /// The message for `key` with named arguments.
    pub fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
