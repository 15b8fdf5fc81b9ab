//! The one pattern for form errors: a summary at the top linking to each field, the message next
//! to the field, and the values the person typed put back.

use crate::i18n::I18n;
use halles_core::validation::FieldError;
use halles_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Errors of a submitted form, translated, each with its stable code (the `err-{code}` key it
/// was translated from), which the summary shows as `data-error` for tests and scripts.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// `(field, message)` in the order found.
    pub items: Vec<(String, String)>,
    /// The code of each item, in the same order.
    codes: Vec<String>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        Self::default()
    }

    /// Translates validation failures (`err-{code}` keys).
    pub fn from_fields(errors: &[FieldError], i18n: &I18n) -> Self {
        let mut out = Self::none();
        for e in errors {
            out.push(&e.field, &format!("err-{}", e.code), i18n);
        }
        out
    }

    /// What a refused store call shows on a form: field errors ([`StoreError::Invalid`]) on
    /// the fields they name, a refusal of the domain on `field`; any other failure is given
    /// back.
    pub fn from_store(e: StoreError, field: &str, i18n: &I18n) -> Result<Self, StoreError> {
        match e {
            StoreError::Invalid(fields) => Ok(Self::from_fields(&fields, i18n)),
            StoreError::Refused(r) => Ok(Self::one(field, &format!("err-{r}"), i18n)),
            other => Err(other),
        }
    }

    /// A single error on a field, from a message key.
    pub fn one(field: &str, key: &str, i18n: &I18n) -> Self {
        let mut out = Self::none();
        out.push(field, key, i18n);
        out
    }

    /// One more error on a field, from a message key (`err-{code}`).
    pub fn push(&mut self, field: &str, key: &str, i18n: &I18n) {
        self.push_text(field, key, i18n.t(key));
    }

    /// One more error on a field, from a message key and the message already made from it
    /// (a message with arguments).
    pub fn push_text(&mut self, field: &str, key: &str, message: String) {
        self.items.push((field.to_owned(), message));
        let code = key.strip_prefix("err-").unwrap_or(key);
        self.codes.push(code.to_owned());
    }

    /// Adds another form's errors after these.
    pub fn extend(&mut self, other: FormErrors) {
        self.items.extend(other.items);
        self.codes.extend(other.codes);
    }

    /// The code of the `i`-th error (`required`, `pin_wrong`...).
    pub fn code_at(&self, i: &usize) -> &str {
        self.codes.get(*i).map_or("", String::as_str)
    }

    /// The message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether the field has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The fields of a form named after the page's rows (`amount_{group}`, `note_{period}`,
/// `max_{schedule}`): the one part of a typed form whose field names are not known in advance,
/// `#[serde(flatten)]`ed into its struct.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct PerRow(BTreeMap<String, String>);

impl PerRow {
    /// What was typed in `field`, trimmed (empty when the field was not sent).
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map_or("", |v| v.trim())
    }

    /// The fields whose name starts with `prefix`, in name order (the CSRF token and the
    /// struct's other fields left out).
    pub fn starting_with<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// What was typed in a form, by field name, for the page that shows the form again: made from
/// the typed form itself ([`Typed::of`]), so the names are the form struct's.
#[derive(Debug, Default, Clone)]
pub struct Typed(BTreeMap<String, String>);

impl Typed {
    /// Nothing typed: the page shows what is stored.
    pub fn none() -> Self {
        Self::default()
    }

    /// The fields of a typed form as they were sent (unsent options and the CSRF token aside).
    pub fn of(form: &impl Serialize) -> Self {
        let pairs: Vec<(String, String)> = serde_html_form::to_string(form)
            .ok()
            .and_then(|s| serde_html_form::from_str(&s).ok())
            .unwrap_or_default();
        Self(pairs.into_iter().filter(|(k, _)| k != "csrf").collect())
    }

    /// What was typed in `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether `field` was sent (a ticked box).
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Whether nothing came back.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes from `other` the fields whose name starts with one of `prefixes`, replacing
    /// these fields' values here.
    pub fn take_from(&mut self, other: &Typed, prefixes: &[&str]) {
        for (k, v) in &other.0 {
            if prefixes.iter().any(|p| k.starts_with(p)) {
                self.0.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize, Default)]
    #[serde(default)]
    struct Sale {
        card: String,
        pin: Option<String>,
        #[serde(flatten)]
        amounts: PerRow,
    }

    #[test]
    fn a_typed_form_reads_its_rows_and_gives_back_what_was_sent() {
        let form: Sale =
            serde_html_form::from_str("csrf=x&card=1234&amount_3=+2%2C50&amount_4=").unwrap();
        let with_pin: Sale = serde_html_form::from_str("card=1&pin=").unwrap();
        assert_eq!(with_pin.pin, None, "an empty option reads as not sent");
        assert_eq!(form.card, "1234");
        assert_eq!(form.pin, None);
        assert_eq!(form.amounts.get("amount_3"), "2,50");
        assert_eq!(form.amounts.get("amount_9"), "");
        let rows: Vec<_> = form.amounts.starting_with("amount_").collect();
        assert_eq!(rows, [("amount_3", " 2,50"), ("amount_4", "")]);
        let typed = Typed::of(&form);
        assert_eq!(typed.get("card"), Some("1234"));
        assert_eq!(typed.get("amount_3"), Some(" 2,50"));
        assert!(!typed.has("pin"));
        assert!(!typed.has("csrf"));
    }
}
