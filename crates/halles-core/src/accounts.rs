//! Accounts: languages and the rules for passwords and login throttling.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user-facing language. French is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Canadian French.
    #[default]
    Fr,
    /// Canadian English.
    En,
}

impl Lang {
    /// Both languages, French first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Picks a language from an `Accept-Language` header: English only when preferred over French.
    pub fn from_accept_language(header: &str) -> Lang {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("fr") {
                return Lang::Fr;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Fr
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(crate::organizations::UnknownCode(other.to_owned())),
        }
    }
}

/// Failed log-ins allowed for one e-mail address within [`LOGIN_WINDOW_MINUTES`].
pub const MAX_FAILED_LOGINS_PER_EMAIL: i64 = 5;
/// Failed log-ins allowed from one network address within [`LOGIN_WINDOW_MINUTES`].
pub const MAX_FAILED_LOGINS_PER_ADDRESS: i64 = 30;
/// The sliding window of the login throttle.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// How long a password-reset link stays valid.
pub const PASSWORD_RESET_MINUTES: i64 = 60;
/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;
/// How long a session lasts without being used.
pub const SESSION_DAYS: i64 = 14;
/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 10;
