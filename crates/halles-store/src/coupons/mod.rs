//! Food-coupon programs: programs and their members, allocation schedules and budget envelopes,
//! participants, cards, the funds ledger (loads, redemptions, refunds, expiry) and reports.
//!
//! Every movement of money is a row of `fund_entries`. `card_funds` (per card and product group)
//! and `fund_lots` (per load) cache the ledger's sums; spending decrements them with conditional
//! updates (`... AND balance_cents >= $n`) inside the transaction that writes the entries, so the
//! database, not Rust, refuses to spend the same cent twice.

mod adjustments;
mod cards;
mod claims;
mod enrolments;
mod envelope_history;
mod groups;
mod import;
pub(crate) mod in_place;
mod kiosks;
mod ledger;
mod loads;
mod market_groups;
mod monthly_reports;
mod notices;
mod off_platform;
mod paper;
mod participants;
mod partner_markets;
mod pin;
mod programs;
mod refunds;
mod reports;
mod reserve;
mod sale;
mod schedule_changes;
mod schedules;
mod transactions;
mod types;

pub use cards::{Card, CardLookup};
pub use claims::{Claim, OwedPeriod, PaymentBatch};
pub use envelope_history::{EnvelopeMove, EnvelopeMoveKind, HistoryOf};
pub use import::{FieldChange, ImportReport, ImportRow, RowOutcome, SAMPLE_ID1};
pub use kiosks::{Kiosk, RegisterInfo};
pub use ledger::Balance;
pub use loads::{LoadRun, MAX_ISSUED_AT_ONCE};
pub use market_groups::{MAX_GROUP_NAME, MarketGroup};
pub use monthly_reports::{DueMonthlyReport, ReportRecipient};
pub use notices::{BalanceStatement, Contact, ExpiryNotice, ScheduleEndNotice};
pub use off_platform::Allowance;
pub use paper::{PAPER_QR_PREFIX, PaperBatch, PaperBatchInput, PaperCoupon, PaperLookup};
pub use participants::{Participant, ParticipantInput, TypeChangeEffect, TypeConflict};
pub use pin::PIN_TRIES;
pub(crate) use programs::partner_holds;
pub use programs::{
    Access, ParticipantType, ProductGroup, Program, ProgramInput, ProgramMember, ProgramScope,
    ProgramSettings,
};
pub use reports::{Counts, Dimension, EnvelopeRow, Reach, ReportFilter, ReportRow, Totals};
pub use reserve::{FundSource, FundsCheck, Reserve};
pub use sale::{Once, Redeemed, Redemption, RedemptionInput, RedemptionLine};
pub use schedule_changes::{
    MAX_SCHEDULE_LOADS, MAX_SCHEDULE_NAME, ScheduleChange, ScheduleImpact, ShortEnvelope,
};
pub use schedules::{Envelope, Schedule, ScheduleInput};
pub use transactions::{CardBalance, Transaction, TransactionFilter};

use crate::{StoreError, StoreResult};
use halles_core::coupons::parse_date;
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Reads an ISO date column.
pub(crate) fn date(row: &AnyRow, col: &str) -> StoreResult<Date> {
    let s: String = row.try_get(col)?;
    day(&s)
}

/// An ISO date stored as text, from a row struct's field.
pub(crate) fn day(s: &str) -> StoreResult<Date> {
    parse_date(s).map_err(|_| StoreError::Corrupt("date"))
}

/// An instant stored as UTC milliseconds, from a row struct's field.
pub(crate) fn instant(ms: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt("timestamp"))
}

/// An optional instant stored as UTC milliseconds, from a row struct's field.
pub(crate) fn instant_opt(ms: Option<i64>) -> StoreResult<Option<Timestamp>> {
    ms.map(instant).transpose()
}
