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

    /// A name kept in both languages, in this one: English when asked and there is one, the
    /// French name otherwise.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.trim().is_empty() => en,
            _ => fr,
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

/// How a throttle counts the attempts on one key (an account and address, an account, an
/// address...): `free` attempts pass, then each one waits a delay that starts at
/// `first_delay_ms` and doubles up to `max_delay_ms`. A key left alone for `window_ms` starts
/// over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Attempts that pass without waiting.
    pub free: i64,
    /// The first wait, in milliseconds.
    pub first_delay_ms: i64,
    /// The longest wait, in milliseconds.
    pub max_delay_ms: i64,
    /// How long a key is remembered after its last attempt, in milliseconds.
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

/// Log-ins of one account from one address: 5, then 1 s, 2 s, 4 s... up to 5 minutes.
pub const LOGIN_PER_ACCOUNT_AND_ADDRESS: Throttle = Throttle {
    free: 5,
    first_delay_ms: 1_000,
    max_delay_ms: 5 * MINUTE_MS,
    window_ms: 15 * MINUTE_MS,
};
/// Log-ins of one account from any address: a generous cap, so someone else's failures
/// elsewhere slow the owner down a little but never lock them out.
pub const LOGIN_PER_ACCOUNT: Throttle = Throttle {
    free: 50,
    first_delay_ms: 1_000,
    max_delay_ms: 30_000,
    window_ms: 15 * MINUTE_MS,
};
/// Log-ins from one address to any account (a shared office or a proxy counts as one).
pub const LOGIN_PER_ADDRESS: Throttle = Throttle {
    free: 100,
    first_delay_ms: 1_000,
    max_delay_ms: 30_000,
    window_ms: 15 * MINUTE_MS,
};
/// "Forgot password" requests for one e-mail address: 3, then 1 minute, doubling up to an hour.
pub const FORGOT_PER_ACCOUNT: Throttle = Throttle {
    free: 3,
    first_delay_ms: MINUTE_MS,
    max_delay_ms: 60 * MINUTE_MS,
    window_ms: 60 * MINUTE_MS,
};
/// "Forgot password" requests and new-password submissions from one address.
pub const RESET_PER_ADDRESS: Throttle = Throttle {
    free: 10,
    first_delay_ms: 10_000,
    max_delay_ms: 15 * MINUTE_MS,
    window_ms: 60 * MINUTE_MS,
};
/// How long a password-reset link stays valid.
pub const PASSWORD_RESET_MINUTES: i64 = 60;
/// How long an invitation link stays valid unless the administrators set otherwise.
pub const INVITATION_DAYS: i64 = 7;
/// The fewest and most days the administrators may set an invitation's validity to.
pub const INVITATION_DAYS_RANGE: std::ops::RangeInclusive<i64> = 1..=90;
/// How long a session lasts without being used.
pub const SESSION_DAYS: i64 = 14;
/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 10;
