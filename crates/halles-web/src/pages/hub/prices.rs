//! The hub's price rules: margins by buyer, product and buyer type.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::money::Cents;
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::{OrgId, PriceRuleId};
use halles_store::platform::organizations::Organization;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "prices.html")]
struct PricesPage {
    page: Ctx,
    products: Vec<halles_store::hub::catalog::Product>,
    rules: Vec<(PriceRuleId, PriceRule)>,
    buyers: Vec<(Organization, BuyerType)>,
    buyer_types: Vec<&'static str>,
    errors: FormErrors,
    margin: String,
}

impl PricesPage {
    fn buyer_name(&self, id: &OrgId) -> String {
        self.buyers
            .iter()
            .find(|(b, _)| b.id == *id)
            .map(|(b, _)| b.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
    fn product_name(&self, id: &halles_core::ProductId) -> String {
        self.products
            .iter()
            .find(|p| p.id == *id)
            .map(|p| p.name(self.page.i18n.lang).to_owned())
            .unwrap_or_else(|| id.to_string())
    }
    fn percent(&self, m: &MarginBp) -> String {
        let s = format!("{}.{:02}", m.0 / 100, (m.0 % 100).abs());
        let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        if self.page.i18n.lang == halles_core::accounts::Lang::Fr {
            format!("{} %", s.replace('.', ","))
        } else {
            format!("{s}%")
        }
    }
}

async fn prices_page(
    state: &AppState,
    m: Member<StaffRole>,
    errors: FormErrors,
    margin: String,
) -> Result<Response, PageError> {
    let hs = super::own_hub(state, &m).await?;
    let rules = state.store.price_rules(&hs).await?;
    let products = state.store.hub_products(&hs).await?;
    let buyers = state.store.hub_buyers(&hs).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &PricesPage {
            page: m.ctx,
            products,
            rules,
            buyers,
            buyer_types: BuyerType::ALL.iter().map(|t| t.code()).collect(),
            errors,
            margin,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The hub's price rules.
pub async fn prices(
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    prices_page(&state, m, FormErrors::none(), String::new()).await
}

/// A new rule.
#[derive(Debug, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    buyer_type: String,
    #[serde(default)]
    buyer: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    margin: String,
}

/// Parses a margin typed as a percentage (`15`, `12,5`).
pub fn parse_percent(s: &str) -> Option<MarginBp> {
    let c = Cents::parse_input(s.trim().trim_end_matches('%').trim())?;
    (0..=100_000).contains(&c.0).then_some(MarginBp(c.0))
}

/// Adds a rule.
pub async fn add_rule(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RuleForm>,
) -> Result<Response, PageError> {
    let Some(margin) = parse_percent(&form.margin) else {
        let errors = FormErrors::one("margin", "err-margin_invalid", &m.ctx.i18n);
        return prices_page(&state, m, errors, form.margin).await;
    };
    let rule = PriceRule {
        buyer_type: form.buyer_type.parse().ok(),
        buyer: form.buyer.parse().ok().map(OrgId),
        product: form.product.parse().ok().map(halles_core::ProductId),
        margin,
    };
    let hs = super::own_hub(&state, &m).await?;
    state.store.add_price_rule(&hs, &rule).await?;
    let [f, k] = flash_headers("success", "flash-rule-added", state.config.secure_cookies);
    Ok(see_other(&format!("/o/{}/prix", m.org.id), [f, k]))
}

/// Removes a rule.
pub async fn delete_rule(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    state.store.delete_price_rule(&hs, PriceRuleId(id)).await?;
    let [f, k] = flash_headers("success", "flash-rule-removed", state.config.secure_cookies);
    Ok(see_other(&format!("/o/{}/prix", m.org.id), [f, k]))
}
