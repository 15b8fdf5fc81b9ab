//! Food-coupon rules: card numbers, load dates of allocation schedules, expiry, card states and
//! the kinds of entries of the funds ledger.

use crate::catalog::coded_enum;
use crate::organizations::UnknownCode;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The time zone in which load and expiry dates are counted.
pub const TIME_ZONE: &str = "America/Toronto";

/// The civil date of an instant in Montréal.
pub fn local_date(t: jiff::Timestamp) -> Date {
    let tz = jiff::tz::TimeZone::get(TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_zoned(tz).date()
}

/// The date and time of an instant in Montréal.
pub fn local_datetime(t: jiff::Timestamp) -> jiff::civil::DateTime {
    let tz = jiff::tz::TimeZone::get(TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_zoned(tz).datetime()
}

/// The instant a civil date starts in Montréal.
pub fn start_of(d: Date) -> jiff::Timestamp {
    let tz = jiff::tz::TimeZone::get(TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    d.to_zoned(tz)
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// A card number: 15 random digits and a Luhn check digit, so a mistyped digit or two swapped
/// neighbours are caught before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardNumber(String);

/// Why a typed card number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardNumberError {
    /// Not 16 digits (spaces and dashes are ignored).
    #[error("a card number has 16 digits")]
    Length,
    /// The check digit does not match: a typo.
    #[error("the check digit does not match")]
    CheckDigit,
}

/// The Luhn check digit of a string of digits.
fn luhn_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl CardNumber {
    /// The number made of these 15 digits (each 0 to 9) and their check digit.
    pub fn from_digits(body: [u8; 15]) -> CardNumber {
        CardNumber(with_check_digit(&body))
    }

    /// Reads a typed or scanned number, ignoring spaces and dashes.
    pub fn parse(input: &str) -> Result<CardNumber, CardNumberError> {
        parse_checked(input, 16).map(CardNumber)
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as printed: four groups of four digits.
    pub fn grouped(&self) -> String {
        grouped_by_four(&self.0)
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// A paper coupon's serial: 13 random digits and a Luhn check digit (43 bits of chance, and a
/// mistyped digit or two swapped neighbours caught before any lookup). Two digits shorter than
/// a card number, so neither is ever taken for the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaperSerial(String);

impl PaperSerial {
    /// The serial made of these 13 digits (each 0 to 9) and their check digit.
    pub fn from_digits(body: [u8; 13]) -> PaperSerial {
        PaperSerial(with_check_digit(&body))
    }

    /// Reads a typed serial, ignoring spaces and dashes.
    pub fn parse(input: &str) -> Result<PaperSerial, CardNumberError> {
        parse_checked(input, 14).map(PaperSerial)
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaperSerial {
    /// As printed: groups of four digits ("1234 5678 9012 34").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&grouped_by_four(&self.0))
    }
}

/// Digits (each 0 to 9) followed by their Luhn check digit, as text.
fn with_check_digit(body: &[u8]) -> String {
    let body: Vec<u8> = body.iter().map(|d| d % 10).collect();
    let check = luhn_digit(&body);
    let mut s: String = body.iter().map(|d| char::from(b'0' + d)).collect();
    s.push(char::from(b'0' + check));
    s
}

/// Reads `len` digits whose last is the Luhn check digit of the others, ignoring spaces and
/// dashes.
fn parse_checked(input: &str, len: usize) -> Result<String, CardNumberError> {
    let digits: Vec<u8> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| {
            c.to_digit(10)
                .map(|d| d as u8)
                .ok_or(CardNumberError::Length)
        })
        .collect::<Result<_, _>>()?;
    if digits.len() != len {
        return Err(CardNumberError::Length);
    }
    if luhn_digit(&digits[..len - 1]) != digits[len - 1] {
        return Err(CardNumberError::CheckDigit);
    }
    Ok(digits.iter().map(|d| char::from(b'0' + d)).collect())
}

/// Digits grouped by four, separated by spaces.
fn grouped_by_four(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

coded_enum!(
    /// The state of a paper coupon.
    PaperStatus {
        /// Printed, its money drawn, not handed to anyone yet.
        Issued => "issued",
        /// Handed to a participant by a partner: redeemable until its date.
        HandedOut => "handed_out",
        /// Spent at a market's register.
        Redeemed => "redeemed",
        /// Past its date unredeemed: its money went back where it came from.
        Expired => "expired",
        /// Cancelled by the operator: its money went back where it came from.
        Voided => "voided",
    }
);

impl PaperStatus {
    /// Why a register refuses a coupon in this state (`paper_state` for the one it accepts).
    pub fn refusal(self) -> crate::refusals::Refusal {
        use crate::refusals::Refusal;
        match self {
            PaperStatus::Issued => Refusal::PaperNotHandedOut,
            PaperStatus::Redeemed => Refusal::PaperRedeemed,
            PaperStatus::Expired => Refusal::PaperExpired,
            PaperStatus::Voided => Refusal::PaperVoided,
            PaperStatus::HandedOut => Refusal::PaperState,
        }
    }

    /// Whether its money is still out (on paper, neither spent nor given back).
    pub fn outstanding(self) -> bool {
        matches!(self, PaperStatus::Issued | PaperStatus::HandedOut)
    }
}

/// The alphabet of participant codes: no 0/O, 1/I/L, so codes read aloud or copied by hand
/// survive.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A participant code from 8 random indices into [`CODE_ALPHABET`].
pub fn participant_code(random: [u8; 8]) -> String {
    random
        .iter()
        .map(|r| char::from(CODE_ALPHABET[usize::from(*r) % CODE_ALPHABET.len()]))
        .collect()
}

coded_enum!(
    /// When an allocation schedule loads funds.
    LoadMoment {
        /// The 1st of every month.
        FirstOfMonth => "first_of_month",
        /// The 15th of every month.
        Fifteenth => "fifteenth",
        /// The 1st and the 15th of every month.
        FirstAndFifteenth => "first_and_fifteenth",
        /// Every Monday (the first day of the week).
        Weekly => "weekly",
    }
);

impl LoadMoment {
    /// Whether funds load on this date.
    pub fn is_due(self, d: Date) -> bool {
        match self {
            LoadMoment::FirstOfMonth => d.day() == 1,
            LoadMoment::Fifteenth => d.day() == 15,
            LoadMoment::FirstAndFifteenth => d.day() == 1 || d.day() == 15,
            LoadMoment::Weekly => d.weekday() == Weekday::Monday,
        }
    }

    /// The first load date on or after `from`.
    pub fn next_on_or_after(self, from: Date) -> Option<Date> {
        let mut d = from;
        // At most one month ahead: 31 days cover every moment.
        for _ in 0..32 {
            if self.is_due(d) {
                return Some(d);
            }
            d = d.checked_add(1.day()).ok()?;
        }
        None
    }

    /// Every load date from `start` to `end`, both included, in order.
    pub fn dates(self, start: Date, end: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut next = self.next_on_or_after(start);
        while let Some(d) = next {
            if d > end {
                break;
            }
            out.push(d);
            next = d
                .checked_add(1.day())
                .ok()
                .and_then(|n| self.next_on_or_after(n));
        }
        out
    }
}

/// When loaded funds stop being usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expiry {
    /// Never (loyalty funds, gift cards).
    Never,
    /// Usable through this date, included.
    OnDate {
        /// The last usable day.
        date: Date,
    },
    /// Usable for this many days after they were loaded (the load day is day 1).
    AfterDays {
        /// Number of days.
        days: u16,
    },
    /// Usable for this many days from the first purchase paid with them (that purchase's day
    /// is day 1); until then, they do not expire.
    AfterFirstUse {
        /// Number of days.
        days: u16,
    },
}

impl Expiry {
    /// The first day on which funds loaded on `loaded_on` are no longer usable.
    pub fn first_unusable_day(self, loaded_on: Date) -> Option<Date> {
        match self {
            Expiry::Never => None,
            Expiry::OnDate { date } => date.checked_add(1.day()).ok(),
            Expiry::AfterDays { days } => loaded_on.checked_add(i64::from(days).days()).ok(),
            Expiry::AfterFirstUse { .. } => None,
        }
    }

    /// For funds that expire after their first use: how many days they last from then.
    pub fn days_after_first_use(self) -> Option<u16> {
        match self {
            Expiry::AfterFirstUse { days } => Some(days),
            _ => None,
        }
    }

    /// The instant funds lasting `days` from a first use on `used_on` expire.
    pub fn after_use(days: u16, used_on: Date) -> Option<jiff::Timestamp> {
        used_on
            .checked_add(i64::from(days).days())
            .ok()
            .map(start_of)
    }

    /// The instant funds loaded on `loaded_on` expire, if they do.
    pub fn expires_at(self, loaded_on: Date) -> Option<jiff::Timestamp> {
        self.first_unusable_day(loaded_on).map(start_of)
    }
}

/// A participant's place in a schedule: which due dates they receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enrolment {
    /// The first due date they may receive (their enrolment day, or the schedule's start for a
    /// catch-up of missed loads).
    pub from: Date,
    /// At most this many loads.
    pub max_loads: u32,
}

/// What an allocation schedule's calendar says, without amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// First day of the schedule.
    pub starts_on: Date,
    /// Last day of the schedule.
    pub ends_on: Date,
    /// When funds load.
    pub moment: LoadMoment,
    /// The schedule's maximum number of loads per participant.
    pub max_loads: u32,
}

impl Calendar {
    /// The due dates a participant receives: within the schedule, on or after their start, at
    /// most their own maximum number (the schedule's when enrolled; staff may raise one
    /// person's within the schedule's dates).
    pub fn due_dates(&self, e: Enrolment) -> Vec<Date> {
        let from = e.from.max(self.starts_on);
        let max = e.max_loads as usize;
        self.moment
            .dates(from, self.ends_on)
            .into_iter()
            .take(max)
            .collect()
    }

    /// Every load date of the schedule from a participant's start, without the maximum: the
    /// dates a usage-based schedule may load on, whose maximum counts loads made, not dates.
    pub fn dates_from(&self, e: Enrolment) -> Vec<Date> {
        self.moment.dates(e.from.max(self.starts_on), self.ends_on)
    }

    /// The due dates a participant enrolled on `today` receives: with a catch-up, every load
    /// since the schedule started; without, only those from today.
    pub fn enrolment(&self, today: Date, catch_up: bool, max_loads: Option<u32>) -> Enrolment {
        Enrolment {
            from: if catch_up { self.starts_on } else { today },
            max_loads: max_loads.unwrap_or(self.max_loads),
        }
    }
}

coded_enum!(
    /// The state of a card.
    CardStatus {
        /// Printed, not yet given to anyone.
        Unassigned => "unassigned",
        /// Given to a participant.
        Assigned => "assigned",
        /// Refused at registers until enabled again.
        Disabled => "disabled",
        /// Reported lost: refused, its funds moved to a new card.
        Lost => "lost",
        /// A gift card: loyalty funds, no participant.
        Gift => "gift",
    }
);

impl CardStatus {
    /// Whether a register accepts the card.
    pub fn can_spend(self) -> bool {
        matches!(self, CardStatus::Assigned | CardStatus::Gift)
    }

    /// Why a register refuses a card in this state (`card_unassigned` for the states it
    /// accepts, which never ask).
    pub fn refusal(self) -> crate::refusals::Refusal {
        use crate::refusals::Refusal;
        match self {
            CardStatus::Disabled => Refusal::CardDisabled,
            CardStatus::Lost => Refusal::CardLost,
            _ => Refusal::CardUnassigned,
        }
    }
}

/// Whether a product group's name is the reserved loyalty group's ("Fidélité", "Loyalty"), in
/// any case and with or without accents: no other group may take it, so a cashier never mistakes
/// one for the other.
pub fn is_loyalty_name(name: &str) -> bool {
    let n: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    matches!(n.as_str(), "fidelite" | "loyalty")
}

/// What can be done to a card (the columns of the card state machine, docs/coupons-cards.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardAction {
    /// Give it to a participant.
    Assign,
    /// Take it back from its holder (or a gift card back to the shelf), empty.
    TakeBack,
    /// Refuse it at registers.
    Disable,
    /// Accept it at registers again.
    Enable,
    /// Report it lost (its funds move to a new card).
    ReportLost,
    /// A lost card found again: back to the shelf.
    Found,
    /// Put loyalty funds on it as a gift card.
    Gift,
    /// A manual load.
    ManualLoad,
    /// A correction taking funds off.
    Correct,
    /// Spend at a register.
    Spend,
}

impl CardAction {
    /// Every action, in the table's order.
    pub const ALL: [CardAction; 10] = [
        CardAction::Assign,
        CardAction::TakeBack,
        CardAction::Disable,
        CardAction::Enable,
        CardAction::ReportLost,
        CardAction::Found,
        CardAction::Gift,
        CardAction::ManualLoad,
        CardAction::Correct,
        CardAction::Spend,
    ];
}

/// Who acts on a card (the rows' third dimension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardActor {
    /// The program's operator.
    Operator,
    /// The holder's partner organization, in a program that lets partners manage cards.
    Partner,
    /// A partner organization, in a program where the operator manages cards.
    PartnerNotManaging,
    /// A market's register.
    Market,
}

/// A card's state as the state machine sees it: its status, whether it has a holder (a disabled
/// card without one is a disabled gift card) and whether it holds funds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardState {
    /// Its status.
    pub status: CardStatus,
    /// Whether a participant holds it.
    pub held: bool,
    /// Whether it holds funds.
    pub funded: bool,
}

/// The card state machine, in one place: the status `action` by `who` leads to from `state`, or
/// why it is refused. The store applies it with a conditional update on the status it read.
pub fn card_transition(
    state: CardState,
    action: CardAction,
    who: CardActor,
) -> Result<CardStatus, crate::refusals::Refusal> {
    use crate::refusals::Refusal;
    use CardAction as A;
    use CardStatus as S;
    // Who may do what at all.
    let may = match who {
        CardActor::Operator => action != A::Spend,
        CardActor::Partner => matches!(
            action,
            A::Assign | A::TakeBack | A::Disable | A::Enable | A::ReportLost | A::Found
        ),
        CardActor::PartnerNotManaging => false,
        CardActor::Market => action == A::Spend,
    };
    if !may {
        return Err(match (who, action) {
            (CardActor::PartnerNotManaging, A::Assign) => Refusal::OperatorAssignsCards,
            (CardActor::PartnerNotManaging, _) => Refusal::CardManagedByOperator,
            _ => Refusal::WrongKind,
        });
    }
    let gift = state.status == S::Gift || (state.status == S::Disabled && !state.held);
    match (action, state.status) {
        (A::Assign, S::Unassigned) => Ok(S::Assigned),
        // An emptied gift card can be given like a new one; one holding funds cannot.
        (A::Assign, S::Gift) if !state.funded => Ok(S::Assigned),
        (A::Assign, S::Gift | S::Disabled) if gift => Err(Refusal::CardHasFunds),
        (A::Assign, S::Assigned | S::Disabled) => Err(Refusal::CardNotFree),
        (A::TakeBack, S::Assigned | S::Disabled | S::Gift) if state.funded => {
            Err(Refusal::CardHasFunds)
        }
        (A::TakeBack, S::Assigned | S::Disabled | S::Gift) => Ok(S::Unassigned),
        (A::Disable, S::Assigned | S::Gift) => Ok(S::Disabled),
        // A disabled gift card comes back a gift card, never a free card holding funds.
        (A::Enable, S::Disabled) if gift => Ok(S::Gift),
        (A::Enable, S::Disabled) => Ok(S::Assigned),
        (A::ReportLost, S::Assigned | S::Disabled) if state.held => Ok(S::Lost),
        (A::Found, S::Lost) => Ok(S::Unassigned),
        (A::Gift, S::Unassigned | S::Gift) => Ok(S::Gift),
        (A::ManualLoad | A::Correct, S::Assigned | S::Disabled | S::Gift) => Ok(state.status),
        (A::Spend, S::Assigned | S::Gift) => Ok(state.status),
        (A::Spend, _) => Err(state.status.refusal()),
        _ => Err(Refusal::CardState),
    }
}

coded_enum!(
    /// What moved funds on a card: the kinds of ledger entries.
    EntryKind {
        /// A scheduled load (positive).
        Load => "load",
        /// Spent at a register (negative).
        Spend => "spend",
        /// A refund of a redemption (positive).
        Refund => "refund",
        /// Funds past their expiry, or replaced by the next load (negative).
        Expire => "expire",
        /// Moved away to another card (negative).
        TransferOut => "transfer_out",
        /// Moved in from another card (positive).
        TransferIn => "transfer_in",
        /// A manual load or correction with a reason (either sign).
        Adjust => "adjust",
    }
);

coded_enum!(
    /// The period of the reconciliation report (what markets are owed).
    ReportPeriod {
        /// Calendar months.
        Month => "month",
        /// Weeks from Monday.
        Week => "week",
        /// Days.
        Day => "day",
    }
);

impl ReportPeriod {
    /// The first day of the period that holds `d`: the 1st of its month, the Monday of its
    /// week, or the day itself.
    pub fn start(self, d: Date) -> Date {
        match self {
            ReportPeriod::Month => d.first_of_month(),
            ReportPeriod::Week => {
                let back = i64::from(d.weekday().to_monday_zero_offset());
                d.checked_sub(back.days()).unwrap_or(d)
            }
            ReportPeriod::Day => d,
        }
    }

    /// The first day of the period after the one that holds `d` (where that one ends).
    pub fn next(self, d: Date) -> Date {
        let start = self.start(d);
        let next = match self {
            ReportPeriod::Month => start.checked_add(1.month()),
            ReportPeriod::Week => start.checked_add(7.days()),
            ReportPeriod::Day => start.checked_add(1.day()),
        };
        next.unwrap_or(Date::MAX)
    }
}

coded_enum!(
    /// Where a market's reimbursement claim stands.
    ClaimStatus {
        /// Filed by the market, waiting for the operator.
        Submitted => "submitted",
        /// Approved by the operator, to be paid in a batch.
        Approved => "approved",
        /// Refused by the operator, with a reason; the period may be claimed again.
        Rejected => "rejected",
        /// Paid in a payment batch.
        Paid => "paid",
    }
);

coded_enum!(
    /// Where a payment batch stands.
    BatchStatus {
        /// Gathered, not paid yet.
        Open => "open",
        /// Paid on its date, with its reference.
        Paid => "paid",
    }
);

coded_enum!(
    /// How an organization takes part in a program.
    ProgramRole {
        /// Enrols participants, holds budget envelopes.
        Partner => "partner",
        /// Redeems cards at its registers.
        Market => "market",
        /// Reads the reports.
        Funder => "funder",
    }
);

impl fmt::Display for LoadMoment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Reads a stored ISO date.
pub fn parse_date(s: &str) -> Result<Date, UnknownCode> {
    Date::from_str(s).map_err(|_| UnknownCode(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn funds_expiring_after_first_use_have_no_date_until_then() {
        let e = Expiry::AfterFirstUse { days: 30 };
        assert_eq!(e.expires_at(date(2026, 6, 1)), None);
        assert_eq!(e.days_after_first_use(), Some(30));
        assert_eq!(Expiry::AfterDays { days: 30 }.days_after_first_use(), None);
        // Used on June 10th (day 1): usable through July 9th, gone at midnight in Montréal.
        assert_eq!(
            Expiry::after_use(30, date(2026, 6, 10)),
            Some(start_of(date(2026, 7, 10)))
        );
    }

    #[test]
    fn reconciliation_periods_start_on_the_first_the_monday_or_the_day() {
        let d = date(2026, 3, 1); // a Sunday
        assert_eq!(
            ReportPeriod::Month.start(date(2026, 2, 28)),
            date(2026, 2, 1)
        );
        assert_eq!(ReportPeriod::Week.start(d), date(2026, 2, 23));
        assert_eq!(
            ReportPeriod::Week.start(date(2026, 2, 23)),
            date(2026, 2, 23)
        );
        assert_eq!(
            ReportPeriod::Week.start(date(2028, 1, 1)),
            date(2027, 12, 27)
        );
        assert_eq!(ReportPeriod::Day.start(d), d);
        assert_eq!(
            ReportPeriod::Month.next(date(2028, 2, 29)),
            date(2028, 3, 1)
        );
        assert_eq!(
            ReportPeriod::Month.next(date(2026, 12, 31)),
            date(2027, 1, 1)
        );
        assert_eq!(ReportPeriod::Week.next(date(2026, 3, 1)), date(2026, 3, 2));
        assert_eq!(ReportPeriod::Week.next(date(2026, 3, 2)), date(2026, 3, 9));
        assert_eq!(ReportPeriod::Day.next(date(2026, 12, 31)), date(2027, 1, 1));
    }

    #[test]
    fn paper_serials_carry_a_luhn_check_digit_and_are_not_card_numbers() {
        let s = PaperSerial::from_digits([4, 5, 3, 9, 1, 4, 8, 8, 0, 3, 4, 3, 6]);
        assert_eq!(s.as_str().len(), 14);
        assert_eq!(PaperSerial::parse(&s.to_string()), Ok(s.clone()));
        let mut typo = s.as_str().to_owned();
        let last = typo.pop().unwrap_or('0');
        typo.push(if last == '0' { '1' } else { '0' });
        assert_eq!(PaperSerial::parse(&typo), Err(CardNumberError::CheckDigit));
        // Neither kind of number is ever read as the other.
        let card = CardNumber::from_digits([4, 5, 3, 9, 1, 4, 8, 8, 0, 3, 4, 3, 6, 4, 6]);
        assert_eq!(
            PaperSerial::parse(card.as_str()),
            Err(CardNumberError::Length)
        );
        assert_eq!(CardNumber::parse(s.as_str()), Err(CardNumberError::Length));
        assert_eq!(s.to_string().split(' ').count(), 4);
    }

    #[test]
    fn card_numbers_carry_a_luhn_check_digit() {
        let n = CardNumber::from_digits([4, 5, 3, 9, 1, 4, 8, 8, 0, 3, 4, 3, 6, 4, 6]);
        assert_eq!(n.as_str(), "4539148803436467");
        assert_eq!(n.grouped(), "4539 1488 0343 6467");
        assert_eq!(CardNumber::parse("4539 1488-0343 6467"), Ok(n.clone()));
        // One wrong digit, and two swapped neighbours, are both caught.
        assert_eq!(
            CardNumber::parse("4539 1488 0343 6468"),
            Err(CardNumberError::CheckDigit)
        );
        assert_eq!(
            CardNumber::parse("4539 1488 0334 6467"),
            Err(CardNumberError::CheckDigit)
        );
        assert_eq!(CardNumber::parse("4539 1488"), Err(CardNumberError::Length));
        assert_eq!(
            CardNumber::parse("4539 1488 0343 646x"),
            Err(CardNumberError::Length)
        );
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let n = CardNumber::from_digits([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5]);
        for i in 0..16 {
            for d in 0..10u8 {
                let mut s: Vec<u8> = n.as_str().bytes().collect();
                if s[i] == b'0' + d {
                    continue;
                }
                s[i] = b'0' + d;
                let typed = String::from_utf8(s).unwrap();
                assert!(CardNumber::parse(&typed).is_err(), "{typed}");
            }
        }
    }

    #[test]
    fn participant_codes_avoid_ambiguous_characters() {
        let c = participant_code([0, 1, 2, 30, 31, 60, 200, 255]);
        assert_eq!(c.len(), 8);
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
    }

    #[test]
    fn monthly_loads_fall_on_the_first() {
        let d = LoadMoment::FirstOfMonth.dates(date(2026, 5, 15), date(2026, 9, 30));
        assert_eq!(
            d,
            vec![
                date(2026, 6, 1),
                date(2026, 7, 1),
                date(2026, 8, 1),
                date(2026, 9, 1)
            ]
        );
    }

    #[test]
    fn the_fifteenth_and_twice_a_month_cross_month_ends_and_leap_years() {
        assert_eq!(
            LoadMoment::Fifteenth.dates(date(2028, 1, 16), date(2028, 3, 15)),
            vec![date(2028, 2, 15), date(2028, 3, 15)]
        );
        assert_eq!(
            LoadMoment::FirstAndFifteenth.dates(date(2028, 1, 31), date(2028, 3, 1)),
            vec![date(2028, 2, 1), date(2028, 2, 15), date(2028, 3, 1)]
        );
        // February 29th of a leap year is an ordinary day: nothing loads on it.
        assert!(!LoadMoment::FirstAndFifteenth.is_due(date(2028, 2, 29)));
        assert_eq!(
            LoadMoment::FirstOfMonth.next_on_or_after(date(2028, 2, 29)),
            Some(date(2028, 3, 1))
        );
        assert_eq!(
            LoadMoment::FirstOfMonth.next_on_or_after(date(2026, 12, 31)),
            Some(date(2027, 1, 1))
        );
    }

    #[test]
    fn weekly_loads_fall_on_mondays() {
        let d = LoadMoment::Weekly.dates(date(2026, 11, 25), date(2026, 12, 21));
        assert_eq!(
            d,
            vec![
                date(2026, 11, 30),
                date(2026, 12, 7),
                date(2026, 12, 14),
                date(2026, 12, 21)
            ]
        );
        assert!(d.iter().all(|d| d.weekday() == Weekday::Monday));
    }

    #[test]
    fn a_participant_gets_at_most_the_maximum_from_their_start() {
        let cal = Calendar {
            starts_on: date(2026, 6, 1),
            ends_on: date(2026, 10, 31),
            moment: LoadMoment::FirstAndFifteenth,
            max_loads: 6,
        };
        // Enrolled on July 20th without catch-up: August 1st onward, six at most.
        let late = cal.enrolment(date(2026, 7, 20), false, None);
        assert_eq!(
            cal.due_dates(late),
            vec![
                date(2026, 8, 1),
                date(2026, 8, 15),
                date(2026, 9, 1),
                date(2026, 9, 15),
                date(2026, 10, 1),
                date(2026, 10, 15)
            ]
        );
        // With catch-up: from the schedule's start.
        let caught = cal.enrolment(date(2026, 7, 20), true, Some(3));
        assert_eq!(
            cal.due_dates(caught),
            vec![date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 1)]
        );
    }

    #[test]
    fn expiry_on_a_date_or_after_days() {
        let loaded = date(2026, 2, 15);
        assert_eq!(Expiry::Never.first_unusable_day(loaded), None);
        assert_eq!(
            Expiry::OnDate {
                date: date(2026, 2, 28)
            }
            .first_unusable_day(loaded),
            Some(date(2026, 3, 1))
        );
        assert_eq!(
            Expiry::AfterDays { days: 30 }.first_unusable_day(loaded),
            Some(date(2026, 3, 17))
        );
        // Leap year: 2028-02-15 + 30 days is March 16th.
        assert_eq!(
            Expiry::AfterDays { days: 30 }.first_unusable_day(date(2028, 2, 15)),
            Some(date(2028, 3, 16))
        );
        // Expiry starts at midnight in Montréal (05:00 UTC in winter).
        let at = Expiry::OnDate {
            date: date(2026, 2, 28),
        }
        .expires_at(loaded)
        .unwrap();
        assert_eq!(at.to_string(), "2026-03-01T05:00:00Z");
        assert_eq!(local_date(at), date(2026, 3, 1));
    }

    #[test]
    fn only_assigned_and_gift_cards_spend() {
        assert!(CardStatus::Assigned.can_spend());
        assert!(CardStatus::Gift.can_spend());
        for s in [
            CardStatus::Unassigned,
            CardStatus::Disabled,
            CardStatus::Lost,
        ] {
            assert!(!s.can_spend());
        }
    }
}
