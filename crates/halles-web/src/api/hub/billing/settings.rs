//! A hub's billing settings and a buyer's billing at the hub.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrgRead, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use halles_core::OrgId;
use halles_core::billing::PaymentTerms;
use halles_core::taxes::FeeTaxation;
use halles_store::hub::billing::settings::{BillingSettings, BuyerBilling};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A hub's billing settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiBillingSettings {
    /// The seller's legal name on invoices, 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    /// The seller's address (lines separated by `\n`), at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub address: String,
    /// Registered for GST and QST: invoices charge them and print both numbers, which are
    /// then required (`tax_numbers_required`). Not registered: invoices carry no tax and say so.
    pub registered: bool,
    /// GST registration number: 9 digits, `RT`, 4 digits (`123456789RT0001`;
    /// `gst_number_invalid` otherwise). Empty when not registered.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub gst_number: String,
    /// QST registration number: 10 digits, `TQ`, 4 digits (`1234567890TQ0001`;
    /// `qst_number_invalid` otherwise).
    #[serde(default)]
    #[schema(max_length = 40)]
    pub qst_number: String,
    /// What invoice numbers start with: at most 10 letters, digits or dashes
    /// (`invoice_prefix_invalid`).
    #[serde(default)]
    #[schema(pattern = r"^[A-Za-z0-9-]{0,10}$")]
    pub invoice_prefix: String,
    /// Numbers restart at 1 each calendar year and carry the year (`FAC-2026-0001`).
    pub yearly_reset: bool,
    /// How the delivery fee is taxed: `follows_goods` (prorated by value between taxable and
    /// zero-rated goods, for each tax) or `taxable`.
    #[schema(schema_with = crate::api::schemas::fee_taxation)]
    pub fee_taxation: String,
    /// Default payment terms: `on_receipt`, `net_15` or `net_30`.
    #[schema(schema_with = crate::api::schemas::payment_terms)]
    pub payment_terms: String,
    /// How to pay, printed on invoices, at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub how_to_pay: String,
    /// Invoice each order when its delivery is confirmed.
    pub auto_issue: bool,
}

impl From<BillingSettings> for ApiBillingSettings {
    fn from(s: BillingSettings) -> Self {
        ApiBillingSettings {
            legal_name: s.legal_name,
            address: s.address,
            registered: s.registered,
            gst_number: s.gst_number,
            qst_number: s.qst_number,
            invoice_prefix: s.invoice_prefix,
            yearly_reset: s.yearly_reset,
            fee_taxation: s.fee_taxation.code().to_owned(),
            payment_terms: s.payment_terms.code().to_owned(),
            how_to_pay: s.how_to_pay,
            auto_issue: s.auto_issue,
        }
    }
}

/// Reads a code of a closed list, or `code_invalid` on its field.
fn code<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, ApiError> {
    v.parse().map_err(|_| field(name, "choice_invalid"))
}

/// The hub's billing settings (the defaults until saved: no invoice is issued before).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/billing-settings", tag = "billing",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = ApiBillingSettings), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:read"])))]
pub async fn billing_settings(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
) -> Result<Json<ApiBillingSettings>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(state.store.billing_settings(&hs).await?.0.into()))
}

/// Saves the hub's billing settings.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/billing-settings", tag = "billing",
    params(("org" = i64, Path, description = "The hub")),
    request_body = ApiBillingSettings,
    responses((status = 200, body = ApiBillingSettings), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn set_billing_settings(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    body: Result<ApiJson<ApiBillingSettings>, ApiError>,
) -> Result<Json<ApiBillingSettings>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let fee_taxation: FeeTaxation = code("fee_taxation", &b.fee_taxation)?;
    let payment_terms: PaymentTerms = code("payment_terms", &b.payment_terms)?;
    let saved = state
        .store
        .set_billing_settings(
            &hs,
            BillingSettings {
                legal_name: b.legal_name,
                address: b.address,
                registered: b.registered,
                gst_number: b.gst_number,
                qst_number: b.qst_number,
                invoice_prefix: b.invoice_prefix,
                yearly_reset: b.yearly_reset,
                fee_taxation,
                payment_terms,
                how_to_pay: b.how_to_pay,
                auto_issue: b.auto_issue,
            },
        )
        .await?;
    Ok(Json(saved.into()))
}

/// A buyer's billing at the hub.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiBuyerBilling {
    /// Its billing address (empty: its delivery address), at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub address: String,
    /// Its payment terms, or null for the hub's.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::payment_terms_or_null)]
    pub payment_terms: Option<String>,
}

impl From<BuyerBilling> for ApiBuyerBilling {
    fn from(b: BuyerBilling) -> Self {
        ApiBuyerBilling {
            address: b.address,
            payment_terms: b.payment_terms.map(|t| t.code().to_owned()),
        }
    }
}

/// Sets a buyer's billing address and payment terms at the hub.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/buyers/{id}/billing", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer's organization")),
    request_body = ApiBuyerBilling,
    responses((status = 200, body = ApiBuyerBilling), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn set_buyer_billing(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiBuyerBilling>, ApiError>,
) -> Result<Json<ApiBuyerBilling>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let terms: Option<PaymentTerms> = match b.payment_terms.as_deref() {
        None => None,
        Some(t) => Some(code("payment_terms", t)?),
    };
    let buyer = OrgId(path.1);
    state
        .store
        .set_buyer_billing(&hs, buyer, &b.address, terms)
        .await?;
    let saved = state
        .store
        .buyers_billing(&hs)
        .await?
        .into_iter()
        .find(|x| x.buyer == buyer)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(saved.into()))
}
