//! The hub's partners: the producers it works with and the buyers it serves.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use halles_core::OrgId;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;
use halles_store::StoreError;
use halles_store::platform::organizations::Organization;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    page: Ctx,
    producers: Vec<Organization>,
    buyers: Vec<(Organization, BuyerType)>,
    other_producers: Vec<Organization>,
    other_buyers: Vec<Organization>,
    buyer_types: Vec<&'static str>,
}

/// The producers and buyers the hub works with.
pub async fn partners(
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let producers = state.store.hub_producers(&hs).await?;
    let buyers = state.store.hub_buyers(&hs).await?;
    let all = state.store.organizations().await?;
    let other_producers = all
        .iter()
        .filter(|o| o.kind == OrgKind::Producer && !producers.iter().any(|p| p.id == o.id))
        .cloned()
        .collect();
    let other_buyers = all
        .iter()
        .filter(|o| o.kind == OrgKind::Buyer && !buyers.iter().any(|(b, _)| b.id == o.id))
        .cloned()
        .collect();
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &PartnersPage {
            page: m.ctx,
            producers,
            buyers,
            other_producers,
            other_buyers,
            buyer_types: BuyerType::ALL.iter().map(|t| t.code()).collect(),
        },
        lang,
    ))
}

/// A partner to link.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    org: String,
    #[serde(default)]
    buyer_type: String,
}

/// Starts working with a producer or serving a buyer.
pub async fn link(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, what)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let back = format!("/o/{}/partenaires", m.org.id);
    let Ok(other) = form.org.parse::<i64>().map(OrgId) else {
        let [f, k] = flash_headers("error", "err-choice_invalid", secure);
        return Ok(see_other(&back, [f, k]));
    };
    let hs = super::own_hub(&state, &m).await?;
    let result = match what.as_str() {
        "producteurs" => state.store.link_producer(&hs, other).await,
        "acheteurs" => match form.buyer_type.parse::<BuyerType>() {
            Ok(t) => state.store.link_buyer(&hs, other, t).await,
            Err(_) => Err(StoreError::Refused(Refusal::ChoiceInvalid)),
        },
        _ => Err(StoreError::NotFound),
    };
    let [f, k] = match result {
        Ok(()) => flash_headers("success", "flash-partner-linked", secure),
        Err(StoreError::Refused(_)) | Err(StoreError::NotFound) => {
            flash_headers("error", "err-choice_invalid", secure)
        }
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&back, [f, k]))
}
