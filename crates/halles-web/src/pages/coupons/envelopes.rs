//! A program's envelopes: budgets per partner and schedule.

use super::programs::{back, program_page, program_scope};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::{FormErrors, Typed};
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use axum::extract::State;
use axum::response::Response;
use halles_core::OrgId;
use halles_core::ScheduleId;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::validation::FieldError;
use halles_store::StoreError;
use serde::{Deserialize, Serialize};

/// Deletes an envelope nothing has used (the operator); one in use stays, with a message.
pub async fn delete_envelope(
    paths::EnvelopeDelete(_, id, envelope): paths::EnvelopeDelete,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    match state.store.delete_envelope(&program, envelope).await {
        Ok(()) => Ok(back(&m, id, "flash-envelope-deleted", &state)),
        Err(StoreError::Refused(code)) => {
            let [f, k] =
                flash_headers("error", &format!("err-{code}"), state.config.secure_cookies);
            Ok(see_other(&paths::Program(m.org.id, id).to_string(), [f, k]))
        }
        Err(e) => Err(e.into()),
    }
}

/// An envelope's schedule, partner and budget, and the partner it is moved from (empty: set
/// the budget, nothing moved).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EnvelopeForm {
    schedule: String,
    partner: String,
    from: String,
    budget: String,
}

/// Sets an envelope (the operator).
pub async fn set_envelope(
    paths::Envelopes(_, id): paths::Envelopes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<EnvelopeForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let program = program_scope(&state, &m, id).await?;
    let schedule = ScheduleId(form.schedule.trim().parse().unwrap_or(0));
    let partner = OrgId(form.partner.trim().parse().unwrap_or(0));
    let from = form.from.trim();
    let saved = match Cents::parse_within(form.budget.trim(), Limit::Budget) {
        Err(e) => Err(StoreError::Invalid(vec![FieldError::new(
            "budget",
            e.code_or("price_invalid"),
        )])),
        Ok(amount) if !from.is_empty() => {
            let from = OrgId(from.parse().unwrap_or(0));
            state
                .store
                .move_envelope(&program, schedule, from, partner, amount)
                .await
        }
        Ok(amount) => state
            .store
            .set_envelope(&program, schedule, partner, amount)
            .await
            .map(drop),
    };
    match saved {
        Ok(()) => Ok(back(&m, id, "flash-envelope-saved", &state)),
        Err(e) => {
            // A refusal that names no field is the budget's.
            let errors = FormErrors::from_store(e, "budget", &i18n)?;
            program_page(&state, Member::from_staff(m), id, errors, Typed::of(&form)).await
        }
    }
}

/// The reserve's new budget, as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReserveForm {
    reserve_budget: String,
}

/// Sets the program's reserve budget (the operator): money of the program, belonging to no
/// partner, that manual loads and gift cards may draw on.
pub async fn set_reserve(
    paths::Reserve(_, id): paths::Reserve,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ReserveForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let program = program_scope(&state, &m, id).await?;
    let saved = match Cents::parse_within(form.reserve_budget.trim(), Limit::Budget) {
        Err(e) => Err(StoreError::Invalid(vec![FieldError::new(
            "reserve_budget",
            e.code_or("price_invalid"),
        )])),
        Ok(amount) => state.store.set_reserve_budget(&program, amount).await,
    };
    match saved {
        Ok(()) => Ok(back(&m, id, "flash-reserve-saved", &state)),
        Err(e) => {
            // Every error here is the reserve budget field's.
            let errors = match e {
                StoreError::Invalid(fields) => {
                    let mut out = FormErrors::none();
                    for f in &fields {
                        out.push("reserve_budget", &format!("err-{}", f.code), &i18n);
                    }
                    out
                }
                e => FormErrors::from_store(e, "reserve_budget", &i18n)?,
            };
            program_page(&state, Member::from_staff(m), id, errors, Typed::of(&form)).await
        }
    }
}

/// Where a manual load may draw its money from, for a card held through `partner` (none: a
/// gift card): the program's reserve, then that partner's envelopes, each with what it has
/// free, as (form value, label).
pub async fn fund_sources(
    state: &AppState,
    ps: &halles_store::coupons::ProgramScope,
    partner: Option<OrgId>,
    schedules: &[halles_store::coupons::Schedule],
    i18n: &crate::i18n::I18n,
) -> Result<Vec<(String, String)>, PageError> {
    let reserve = state.store.reserve(ps).await?;
    let mut out = vec![(
        "reserve".to_owned(),
        i18n.ta(
            "fund-source-reserve",
            &[("free", i18n.money(reserve.free()))],
        ),
    )];
    if let Some(partner) = partner {
        for e in state.store.envelopes(ps, Some(partner)).await? {
            let schedule = super::programs::schedule_name(schedules, e.schedule);
            out.push((
                e.id.to_string(),
                i18n.ta(
                    "fund-source-envelope",
                    &[
                        ("partner", e.partner_name.clone()),
                        ("schedule", schedule),
                        ("free", i18n.money(e.free())),
                    ],
                ),
            ));
        }
    }
    Ok(out)
}

/// The source a manual load's form names: `reserve`, or an envelope's id (none: not chosen).
pub fn parse_source(typed: &str) -> Option<halles_store::coupons::FundSource> {
    use halles_store::coupons::FundSource;
    match typed.trim() {
        "reserve" => Some(FundSource::Reserve),
        t => t
            .parse()
            .ok()
            .filter(|n: &i64| *n > 0)
            .map(|n| FundSource::Envelope(halles_core::EnvelopeId(n))),
    }
}
