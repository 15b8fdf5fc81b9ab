//! A program's settings and its card artwork.

use super::programs::{program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use axum::extract::State;
use axum::response::Response;
use halles_core::coupons::ReportPeriod;
use halles_core::refusals::Refusal;
use halles_store::StoreError;
use halles_store::coupons::ProgramSettings;
use jiff::civil::Date;
use std::collections::HashMap;

/// Changes the program's settings (the operator): names, public address, dates,
/// reconciliation period, who gives cards, PIN. A refusal comes back with what was typed.
pub async fn settings(
    paths::ProgramSettings(_, id): paths::ProgramSettings,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let dates = (
        get("set_starts_on").parse::<Date>(),
        get("set_ends_on").parse::<Date>(),
    );
    let result = match dates {
        (Err(_), _) => Err(("set_starts_on", StoreError::Refused(Refusal::DateInvalid))),
        (_, Err(_)) => Err(("set_ends_on", StoreError::Refused(Refusal::DateInvalid))),
        (Ok(starts_on), Ok(ends_on)) => {
            let input = ProgramSettings {
                name: get("set_name"),
                public_name: get("set_public_name"),
                public_address: get("set_public_address"),
                starts_on,
                ends_on,
                report_period: get("set_report_period")
                    .parse()
                    .unwrap_or(ReportPeriod::Month),
                partners_assign_cards: form.contains_key("set_partners_assign_cards"),
                pin_required: form.contains_key("set_pin_required"),
            };
            let program = program_scope(&state, &m, id).await?;
            state
                .store
                .update_program(&program, &input)
                .await
                .map_err(|e| ("", e))
        }
    };
    let (field, result) = match result {
        Ok(()) => ("", Ok(())),
        Err((field, e)) => (field, Err(e)),
    };
    saved_or_refused(&state, m, id, result, form, |code| {
        match (field, code) {
            ("", "ends_before_start") => "set_ends_on",
            ("", _) => "set_name",
            (f, _) => f,
        }
        .to_owned()
    })
    .await
}

/// Receives the program's card artwork (multipart: `csrf`, `artwork`), or removes it
/// (`remove` = 1), for the operator; printed on every card of the sheets from then on.
pub async fn card_artwork(
    paths::ProgramArtwork(_, id): paths::ProgramArtwork,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let upload = crate::pages::picture_upload(
        &headers,
        token.as_ref().map(|t| &t.0),
        multipart,
        "artwork",
        m.ctx.i18n.lang,
    )
    .await?;
    let program = program_scope(&state, &m, id).await?;
    let secure = state.config.secure_cookies;
    let [f, k] = match (upload.fields.contains_key("remove"), upload.picture) {
        (true, _) => {
            state.store.set_card_artwork(&program, None).await?;
            flash_headers("success", "flash-saved", secure)
        }
        (false, None) => flash_headers("error", "err-photo_missing", secure),
        (false, Some(Ok(jpeg))) => {
            state.store.set_card_artwork(&program, Some(&jpeg)).await?;
            flash_headers("success", "flash-artwork-saved", secure)
        }
        (false, Some(Err(()))) => flash_headers("error", "err-photo_unreadable", secure),
    };
    Ok(see_other(&paths::Program(m.org.id, id).to_string(), [f, k]))
}
