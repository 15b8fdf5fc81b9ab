//! The monthly report by e-mail: on the reports page, a member of the operator or of a funder
//! asks for it or stops it, for themselves. The worker sends it on the 1st (`halles::jobs::
//! monthly_report`).

use crate::AppState;
use crate::ctx::Member;
use crate::errors::PageError;
use crate::pages::coupons::programs::{ProgramView, program_scope};
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use axum::extract::State;
use axum::response::Response;
use halles_store::StoreError;
use serde::{Deserialize, Serialize};

/// Whether the viewer receives the monthly report; `None` when they may not.
pub(crate) async fn subscribed(
    state: &AppState,
    v: &ProgramView,
) -> Result<Option<bool>, PageError> {
    match state.store.monthly_report_on(&v.scope).await {
        Ok(on) => Ok(Some(on)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The form: a ticked box asks for the report.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MonthlyForm {
    /// Ticked: receive it.
    on: Option<String>,
}

/// Asks for, or stops, the monthly report for the signed-in person.
pub async fn set(
    paths::MonthlyReport(_, id): paths::MonthlyReport,
    State(state): State<AppState>,
    m: Member,
    CsrfForm(form): CsrfForm<MonthlyForm>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let on = form.on.is_some();
    state.store.set_monthly_report(&program, on).await?;
    let flash = if on {
        "freport-flash-monthly-on"
    } else {
        "freport-flash-monthly-off"
    };
    let [f, k] = flash_headers("success", flash, state.config.secure_cookies);
    Ok(see_other(
        &format!("{}#freport-monthly", paths::Report(m.org.id, id)),
        [f, k],
    ))
}
