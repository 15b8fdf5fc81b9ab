//! The hub's partners: the producers it works with and the buyers it serves.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_core::OrgId;
use halles_core::catalog::{WeightUnit, parse_tags};
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_store::StoreError;
use halles_store::hub::visibility::BuyerSettings;
use halles_store::platform::organizations::Organization;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    page: Ctx,
    producers: Vec<Organization>,
    buyers: Vec<(Organization, BuyerType)>,
    other_producers: Vec<Organization>,
    other_buyers: Vec<Organization>,
    buyer_types: Vec<&'static str>,
    settings: HashMap<OrgId, BuyerSettings>,
    errors: FormErrors,
    /// The buyer whose settings were refused, with what was typed.
    typed: Option<(OrgId, String)>,
}

impl PartnersPage {
    /// The tags shown in a buyer's field: as typed after an error, else as saved.
    fn tags_of(&self, buyer: &OrgId) -> String {
        match &self.typed {
            Some((b, typed)) if b == buyer => typed.clone(),
            _ => self
                .settings
                .get(buyer)
                .map(|s| s.tags.join(" "))
                .unwrap_or_default(),
        }
    }
    /// Whether a buyer reads prices in this weight unit first.
    fn is_unit(&self, buyer: &OrgId, code: &str) -> bool {
        self.settings
            .get(buyer)
            .map_or(WeightUnit::Kg, |s| s.weight_unit)
            .code()
            == code
    }
    fn weight_units(&self) -> Vec<&'static str> {
        WeightUnit::ALL.iter().map(|u| u.code()).collect()
    }
}

/// The producers and buyers the hub works with.
pub async fn partners(
    _: paths::Partners,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    partners_page(&state, m, FormErrors::none(), None).await
}

async fn partners_page(
    state: &AppState,
    m: Member<StaffRole>,
    errors: FormErrors,
    typed: Option<(OrgId, String)>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(state, &m).await?;
    let producers = state.store.hub_producers(&hs).await?;
    let buyers = state.store.hub_buyers(&hs).await?;
    let settings = state.store.buyer_settings(&hs).await?;
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
    let failed = !errors.is_empty();
    Ok(render_form(
        &PartnersPage {
            page: m.ctx,
            producers,
            buyers,
            other_producers,
            other_buyers,
            buyer_types: BuyerType::ALL.iter().map(|t| t.code()).collect(),
            settings,
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// A buyer's tags and weight unit as typed.
#[derive(Debug, Deserialize)]
pub struct BuyerSettingsForm {
    #[serde(default)]
    tags: String,
    #[serde(default)]
    weight_unit: String,
}

/// Saves a served buyer's tags (for visibility rules) and the weight unit it reads prices in
/// first; bad tags come back on the page beside that buyer's field.
pub async fn buyer_settings(
    paths::PartnerBuyer(_, buyer): paths::PartnerBuyer,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<BuyerSettingsForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let mut v = Validator::new();
    let tags = parse_tags(&form.tags)
        .map_err(|code| v.add(&format!("tags-{buyer}"), code))
        .ok();
    let unit = form.weight_unit.parse::<WeightUnit>();
    if unit.is_err() {
        v.add(&format!("weight_unit-{buyer}"), "choice_invalid");
    }
    let (Some(tags), Ok(weight_unit)) = (tags, unit) else {
        let errors = FormErrors::from_fields(&v.into_errors(), &m.ctx.i18n);
        return partners_page(&state, m, errors, Some((buyer, form.tags))).await;
    };
    state
        .store
        .set_buyer_settings(&hs, buyer, &BuyerSettings { tags, weight_unit })
        .await?;
    let [f, k] = flash_headers(
        "success",
        "flash-buyer-settings-saved",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Partners(m.org.id).to_string(), [f, k]))
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
    paths::PartnerLink(_, what): paths::PartnerLink,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let back = paths::Partners(m.org.id).to_string();
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
