//! The one pattern for form errors: a summary at the top linking to each field, the message next
//! to the field, and the values the person typed put back.

use crate::i18n::I18n;
use halles_core::validation::FieldError;
use halles_store::StoreError;

/// Errors of a submitted form, translated.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// `(field, message)` in the order found.
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        Self::default()
    }

    /// Translates validation failures (`err-{code}` keys).
    pub fn from_fields(errors: &[FieldError], i18n: &I18n) -> Self {
        Self {
            items: errors
                .iter()
                .map(|e| (e.field.clone(), i18n.t(&format!("err-{}", e.code))))
                .collect(),
        }
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
        Self {
            items: vec![(field.to_owned(), i18n.t(key))],
        }
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
