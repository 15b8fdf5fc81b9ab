//! Field validation shared by the pages and the API: each failure names its field and a stable code.

use crate::accounts::MIN_PASSWORD_LEN;
use crate::limits::{AmountError, Limit};
use crate::money::Cents;
use crate::quantity::Qty;
use crate::refusals::Refusal;
use serde::Serialize;

/// One field that failed validation. `code` is stable and doubles as the translation key suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field name as submitted.
    pub field: String,
    /// A stable machine code such as `required` or `email_invalid`.
    pub code: &'static str,
}

impl FieldError {
    /// A field refused with a stable code.
    pub fn new(field: &str, code: &'static str) -> Self {
        FieldError {
            field: field.to_owned(),
            code,
        }
    }

    /// A field refused by a rule of the domain, with the refusal's code.
    pub fn refused(field: &str, refusal: Refusal) -> Self {
        Self::new(field, refusal.code())
    }
}

/// Collects field errors while checking a submission.
#[derive(Debug, Default, Clone)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error on a field.
    pub fn add(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError::new(field, code));
    }

    /// Records a refusal of the domain on a field, with the refusal's code.
    pub fn refuse(&mut self, field: &str, refusal: Refusal) {
        self.errors.push(FieldError::refused(field, refusal));
    }

    /// Records an error on a field unless the same one is already there.
    fn add_once(&mut self, field: &str, code: &'static str) {
        if !self
            .errors
            .iter()
            .any(|e| e.field == field && e.code == code)
        {
            self.add(field, code);
        }
    }

    /// The field must not be blank, nor hold control or text-direction characters.
    pub fn required(&mut self, field: &str, value: &str) -> bool {
        if value.trim().is_empty() {
            self.add(field, "required");
            return false;
        }
        self.text(field, value)
    }

    /// The field must not exceed `max` characters, nor hold control or text-direction characters.
    pub fn max_len(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, "too_long");
        }
        self.text(field, value);
    }

    /// Free text: refuses NUL and other control characters (line breaks and tabs excepted)
    /// and the invisible characters that reorder text (see [`is_clean_text`]).
    pub fn text(&mut self, field: &str, value: &str) -> bool {
        if is_clean_text(value) {
            return true;
        }
        self.add_once(field, "invalid_characters");
        false
    }

    /// The field must look like an e-mail address.
    pub fn email(&mut self, field: &str, value: &str) {
        if self.required(field, value) && !is_plausible_email(value) {
            self.add(field, "email_invalid");
        }
    }

    /// A new password and its confirmation.
    pub fn new_password(
        &mut self,
        field: &str,
        password: &str,
        confirm_field: &str,
        confirm: &str,
    ) {
        if password.chars().count() < MIN_PASSWORD_LEN {
            self.add(field, "password_too_short");
        } else if is_common_password(password) {
            self.add(field, "password_common");
        } else if password != confirm {
            self.add(confirm_field, "password_mismatch");
        }
    }

    /// A typed amount between zero and the maximum of `limit` ([`crate::limits`]); an
    /// unreadable one gets the code `invalid` (`invalid_amount`, `price_invalid`...).
    pub fn cents(
        &mut self,
        field: &str,
        typed: &str,
        limit: Limit,
        invalid: &'static str,
    ) -> Option<Cents> {
        self.amount(field, Cents::parse_within(typed, limit), invalid)
    }

    /// A typed quantity between zero and [`crate::limits::MAX_QTY`].
    pub fn qty(&mut self, field: &str, typed: &str, invalid: &'static str) -> Option<Qty> {
        self.amount(field, Qty::parse_within(typed), invalid)
    }

    /// An amount checked by [`crate::limits`]: its value, or its error recorded on `field`.
    pub fn amount<T>(
        &mut self,
        field: &str,
        checked: Result<T, AmountError>,
        invalid: &'static str,
    ) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.code_or(invalid));
                None
            }
        }
    }

    /// Whether nothing failed.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors found, in the order found.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// `Ok(())` when valid, else the errors.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// A light check: one `@`, something before, a dot after, no spaces. Delivery is the real test.
pub fn is_plausible_email(value: &str) -> bool {
    let v = value.trim();
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !v.chars().any(char::is_whitespace)
        && v.len() <= 254
}

/// Whether a text holds no NUL or other control character (line breaks and tabs are
/// allowed) and none of the invisible characters that change the direction of text (the
/// right-to-left override and its kin, which can make a name read differently from what it
/// is).
pub fn is_clean_text(value: &str) -> bool {
    !value.chars().any(is_unclean_char)
}

/// A character [`is_clean_text`] refuses: a control character other than a line break or a
/// tab, or one that changes the direction of text.
pub fn is_unclean_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether a password is one of the most common ones or a small variation of one
/// (`password123`, `azertyuiop`, a keyboard walk, a name and a year): guessed within a
/// million tries by the zxcvbn estimator and its lists of leaked passwords, words and names.
pub fn is_common_password(password: &str) -> bool {
    zxcvbn::zxcvbn(password, &[]).score() <= zxcvbn::Score::One
}

/// Normalizes an e-mail for lookups: trimmed and lower-cased.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_lightly() {
        assert!(is_plausible_email("cuisine@cpe.example"));
        assert!(!is_plausible_email("cuisine@cpe"));
        assert!(!is_plausible_email("cui sine@cpe.example"));
        assert!(!is_plausible_email("@cpe.example"));
        assert_eq!(
            normalize_email("  Marie@Ferme.Example "),
            "marie@ferme.example"
        );
    }

    #[test]
    fn control_and_direction_characters_are_refused() {
        assert!(is_clean_text("Ferme des Érables\nrang 4\tnord"));
        assert!(!is_clean_text("Marie\u{0}"));
        assert!(!is_clean_text("gpj.\u{202E}exe"));
        assert!(!is_clean_text("\u{2067}nom"));
        let mut v = Validator::new();
        v.required("name", "abc\u{202E}def");
        v.max_len("name", "abc\u{202E}def", 120);
        assert_eq!(v.into_errors().len(), 1);
    }

    #[test]
    fn common_passwords_are_refused_and_long_rare_ones_pass() {
        for common in [
            "password123",
            "motdepasse1",
            "azertyuiop",
            "1234567890",
            "qwertyuiop",
        ] {
            assert!(is_common_password(common), "{common}");
        }
        for rare in [
            "mot-de-passe-de-test",
            "assez-long-123",
            "Bonne-bouffe-2026",
        ] {
            assert!(!is_common_password(rare), "{rare}");
        }
        let mut v = Validator::new();
        v.new_password("password", "password123", "password_confirm", "password123");
        assert_eq!(v.into_errors()[0].code, "password_common");
    }

    #[test]
    fn a_short_or_mismatched_password_names_its_field() {
        let mut v = Validator::new();
        v.new_password("password", "court", "password_confirm", "court");
        assert_eq!(v.clone().into_errors()[0].code, "password_too_short");
        let mut v = Validator::new();
        v.new_password(
            "password",
            "assez-long-123",
            "password_confirm",
            "autre-chose-12",
        );
        let errs = v.into_errors();
        assert_eq!(errs[0].field, "password_confirm");
        assert_eq!(errs[0].code, "password_mismatch");
    }
}
