//! The food-coupon API: programs, schedules, participants, cards, paper coupons, redemptions,
//! refunds, claims and payment batches. Money is integer cents; dates are ISO `YYYY-MM-DD`. Each concept has its
//! module; this one holds what they share and the domain's router.

pub mod adjustments;
pub mod cards;
pub mod claims;
pub mod imports;
pub mod paper;
pub mod participants;
pub mod partner_markets;
pub mod payment_batches;
pub mod programs;
pub mod redemptions;
pub mod reports;
pub mod schedules;
pub mod transactions;

use crate::AppState;
use crate::api::problem::{ApiError, field};
use halles_core::ProgramId;
use halles_core::coupons::CardNumberError;
use halles_store::StoreError;
use halles_store::coupons::{CardLookup, ProgramScope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The coupon routes, each declared once by its handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(programs::programs))
        .routes(routes!(programs::program, programs::update_program))
        .routes(routes!(schedules::schedules, schedules::create_schedule))
        .routes(routes!(schedules::change_schedule))
        .routes(routes!(
            participants::participants,
            participants::create_participant
        ))
        .routes(routes!(participants::update_participant))
        .routes(routes!(participants::set_max_loads))
        .routes(routes!(participants::type_change_effects))
        .routes(routes!(participants::type_conflicts))
        .routes(routes!(participants::return_participant))
        .routes(routes!(participants::issue_loads))
        .routes(routes!(imports::import_participants))
        .routes(routes!(cards::cards, cards::create_cards))
        .routes(routes!(cards::unlock_pin))
        .routes(routes!(cards::card_lookup))
        .routes(routes!(adjustments::adjust))
        .routes(routes!(redemptions::redeem))
        .routes(routes!(redemptions::redemption))
        .routes(routes!(redemptions::refund))
        .routes(routes!(transactions::transactions))
        .routes(routes!(reports::report))
        .routes(routes!(reports::envelope_history))
        .routes(routes!(reports::reserve_history))
        .routes(routes!(claims::claims, claims::file_claim))
        .routes(routes!(claims::decide_claim))
        .routes(routes!(
            payment_batches::payment_batches,
            payment_batches::create_payment_batch
        ))
        .routes(routes!(payment_batches::pay_batch))
        .routes(routes!(partner_markets::set_partner_markets))
        .routes(routes!(paper::paper_batches, paper::issue_paper_batch))
        .routes(routes!(paper::paper_coupons))
        .routes(routes!(paper::hand_out))
        .routes(routes!(paper::void))
        .routes(routes!(paper::redeem))
}

/// A sale short of funds in a product group: a problem on that line.
fn refusal(e: StoreError) -> ApiError {
    match e {
        StoreError::Insufficient(g) => field(
            &format!("lines[product_group_id={g}]"),
            "insufficient_funds",
        ),
        other => other.into(),
    }
}

/// The card a request names by its number or QR value (`card` field problems otherwise).
fn lookup(card: &str) -> Result<CardLookup, ApiError> {
    CardLookup::parse(card).map_err(|e| {
        field(
            "card",
            match e {
                CardNumberError::Length => "card_number_length",
                CardNumberError::CheckDigit => "card_check_digit",
            },
        )
    })
}

/// The program in the path as the caller's organization reaches it: what the store's program
/// functions take, so every id a request names is checked against this program (`404` for
/// another program's).
pub(crate) async fn program_scope(
    state: &AppState,
    scope: &halles_store::TenantScope,
    id: i64,
) -> Result<ProgramScope, ApiError> {
    Ok(state.store.program_access(scope, ProgramId(id)).await?)
}

/// The instants a `from`/`to` pair of days (`YYYY-MM-DD`, Montréal, both included) covers:
/// from the first day's start until the start of the day after the last; `date_invalid` on
/// the field that does not parse.
pub(crate) fn day_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<jiff::Timestamp>, Option<jiff::Timestamp>), ApiError> {
    let day =
        |name: &'static str, v: &Option<String>| -> Result<Option<jiff::civil::Date>, ApiError> {
            match v.as_deref() {
                None | Some("") => Ok(None),
                Some(s) => crate::api::problem::date_field(name, s).map(Some),
            }
        };
    Ok((
        day("from", from)?.map(halles_core::coupons::start_of),
        day("to", to)?
            .and_then(|d| d.tomorrow().ok())
            .map(halles_core::coupons::start_of),
    ))
}

/// `true`: the default of flags that are on unless the body says otherwise.
fn yes() -> bool {
    true
}
