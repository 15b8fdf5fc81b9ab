//! A program's settings and its card artwork.

use super::programs::{program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::Typed;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use axum::extract::State;
use axum::response::Response;
use halles_core::coupons::ReportPeriod;
use halles_core::refusals::Refusal;
use halles_core::validation::{FieldError, Validator};
use halles_store::StoreError;
use halles_store::coupons::ProgramSettings;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The settings form; its fields are named `set_*` on the program page, beside the new
/// schedule's.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SettingsForm {
    set_name: String,
    set_public_name: String,
    set_public_address: String,
    set_starts_on: String,
    set_ends_on: String,
    set_report_period: String,
    set_partners_assign_cards: Option<String>,
    set_pin_required: Option<String>,
}

/// Changes the program's settings (the operator): names, public address, dates,
/// reconciliation period, who gives cards, PIN. A refusal comes back with what was typed.
pub async fn settings(
    paths::ProgramSettings(_, id): paths::ProgramSettings,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    let starts_on = form.set_starts_on.trim().parse::<Date>();
    let ends_on = form.set_ends_on.trim().parse::<Date>();
    if starts_on.is_err() {
        v.refuse("starts_on", Refusal::DateInvalid);
    } else if ends_on.is_err() {
        v.refuse("ends_on", Refusal::DateInvalid);
    }
    let result = match (v.finish(), starts_on, ends_on) {
        (Ok(()), Ok(starts_on), Ok(ends_on)) => {
            let input = ProgramSettings {
                name: form.set_name.trim().to_owned(),
                public_name: form.set_public_name.trim().to_owned(),
                public_address: form.set_public_address.trim().to_owned(),
                starts_on,
                ends_on,
                report_period: form
                    .set_report_period
                    .trim()
                    .parse()
                    .unwrap_or(ReportPeriod::Month),
                partners_assign_cards: form.set_partners_assign_cards.is_some(),
                pin_required: form.set_pin_required.is_some(),
            };
            let program = program_scope(&state, &m, id).await?;
            state.store.update_program(&program, &input).await
        }
        (Err(fields), _, _) => Err(StoreError::Invalid(fields)),
        _ => Ok(()),
    };
    // The store names the program's fields (`name`, `ends_on`); on this page they are `set_*`.
    let result = result.map_err(|e| match e {
        StoreError::Invalid(fields) => StoreError::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError {
                    field: format!("set_{}", f.field),
                    ..f
                })
                .collect(),
        ),
        e => e,
    });
    saved_or_refused(&state, m, id, result, Typed::of(&form), |_| {
        "set_name".to_owned()
    })
    .await
}

/// What the artwork form sends besides its picture: `remove` = 1 takes the artwork away.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ArtworkForm {
    remove: Option<String>,
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
    let form: ArtworkForm = upload.form(m.ctx.i18n.lang)?;
    let [f, k] = match (form.remove.is_some(), upload.picture) {
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
