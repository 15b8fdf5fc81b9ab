//! A program's allocation schedules: adding one with its amounts by type and group.

use super::programs::{ProgramView, back, forbidden, program_page, view};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::{FormErrors, PerRow, Typed};
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::{ParticipantTypeId, ProductGroupId};
use halles_store::StoreError;
use halles_store::coupons::ScheduleInput;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A new schedule; its amounts come in fields named after a participant type and a product
/// group (`amount_{type}_{group}`), as many as the program has.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ScheduleForm {
    name: String,
    starts_on: String,
    ends_on: String,
    moment: String,
    max_loads: String,
    carry_over: Option<String>,
    usage_based: Option<String>,
    /// `never`, `date` (on `expires_on`), `days` or `use` (`expires_days` after the load or
    /// the first use).
    expiry: String,
    expires_on: String,
    expires_days: String,
    #[serde(flatten)]
    amounts: PerRow,
}

/// Adds a schedule (the operator).
pub async fn create_schedule(
    paths::Schedules(_, id): paths::Schedules,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ScheduleForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let v = view(&state, &m, id).await?;
    if !v.is_operator() {
        return Err(forbidden(&m.ctx));
    }
    let mut errors = FormErrors::none();
    let mut err = |f: &str, key: &str| errors.push(f, key, &i18n);
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        err("name", "err-required");
    }
    let starts: Option<Date> = form.starts_on.trim().parse().ok();
    let ends: Option<Date> = form.ends_on.trim().parse().ok();
    if starts.is_none() {
        err("starts_on", "err-date_invalid");
    }
    if ends.is_none() {
        err("ends_on", "err-date_invalid");
    }
    let moment: Option<LoadMoment> = form.moment.trim().parse().ok();
    if moment.is_none() {
        err("moment", "err-choice_invalid");
    }
    let max_loads: u32 = form.max_loads.trim().parse().unwrap_or(0);
    if max_loads == 0 {
        err("max_loads", "err-max_loads");
    }
    let expiry = expiry_field(&form.expiry, &form.expires_on, &form.expires_days, &mut err);
    let amounts = amounts_field(&v, &form.amounts, &mut err);
    if let (true, Some(starts), Some(ends), Some(moment), Some(expiry)) =
        (errors.is_empty(), starts, ends, moment, expiry)
    {
        let input = ScheduleInput {
            name,
            starts_on: starts,
            ends_on: ends,
            moment,
            max_loads,
            carry_over: form.carry_over.is_some(),
            usage_based: form.usage_based.is_some(),
            expiry,
            amounts,
        };
        match state.store.create_schedule(&v.scope, &input).await {
            Ok(_) => return Ok(back(&m, id, "flash-schedule-created", &state)),
            Err(StoreError::Invalid(fields)) => {
                errors.extend(FormErrors::from_fields(&fields, &i18n))
            }
            Err(e) => return Err(e.into()),
        }
    }
    program_page(&state, Member::from_staff(m), id, errors, Typed::of(&form)).await
}

/// The expiry a schedule form chose (`expiry`: `date`, `days`, `use` or never), the problem on
/// its field otherwise. Shared by the new-schedule and change-schedule forms.
pub(super) fn expiry_field(
    kind: &str,
    expires_on: &str,
    expires_days: &str,
    err: &mut impl FnMut(&str, &str),
) -> Option<Expiry> {
    match kind.trim() {
        "date" => match expires_on.trim().parse() {
            Ok(date) => Some(Expiry::OnDate { date }),
            Err(_) => {
                err("expires_on", "err-date_invalid");
                None
            }
        },
        kind @ ("days" | "use") => match expires_days.trim().parse::<u16>() {
            Ok(days) if days > 0 && kind == "days" => Some(Expiry::AfterDays { days }),
            Ok(days) if days > 0 => Some(Expiry::AfterFirstUse { days }),
            _ => {
                err("expires_days", "err-max_loads");
                None
            }
        },
        _ => Some(Expiry::Never),
    }
}

/// The amounts typed per participant type and product group (loyalty left out), each bounded
/// like a movement; a problem on its cell otherwise. Shared by both schedule forms.
pub(super) fn amounts_field(
    v: &ProgramView,
    typed: &PerRow,
    err: &mut impl FnMut(&str, &str),
) -> Vec<(ParticipantTypeId, ProductGroupId, Cents)> {
    let mut amounts = Vec::new();
    for t in &v.types {
        for g in v.groups.iter().filter(|g| !g.is_loyalty) {
            let key = format!("amount_{}_{}", t.id, g.id);
            let s = typed.get(&key);
            if s.is_empty() {
                continue;
            }
            match Cents::parse_within(s, Limit::Movement) {
                Ok(c) => amounts.push((t.id, g.id, c)),
                Err(e) => err(&key, e.message_key("err-price_invalid")),
            }
        }
    }
    amounts
}
