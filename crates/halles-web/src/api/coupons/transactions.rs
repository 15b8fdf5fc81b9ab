//! A program's transaction log.

use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead};
use crate::api::coupons::program_scope;
use crate::api::pagination::PageQuery;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use halles_core::ProductGroupId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters of the transaction log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransactionQuery {
    /// From this day (`YYYY-MM-DD`, Montréal time), included.
    #[serde(default)]
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<String>,
    /// Until this day, included.
    #[serde(default)]
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<String>,
    /// One kind: `load`, `spend`, `refund`, `expire`, `adjust`, `transfer_out`, `transfer_in`.
    #[serde(default)]
    #[param(schema_with = crate::api::schemas::entry_kind)]
    pub kind: Option<String>,
    /// One market's sales and refunds.
    #[serde(default)]
    pub market_id: Option<i64>,
    /// One partner organization's participants.
    #[serde(default)]
    pub partner_id: Option<i64>,
    /// One product group.
    #[serde(default)]
    pub product_group_id: Option<i64>,
    /// One card, by its number.
    #[serde(default)]
    pub card: Option<String>,
}

/// One movement of a program's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTransaction {
    /// The entry's id.
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// `load`, `spend`, `refund`, `expire`, `adjust`, `transfer_out` or `transfer_in`.
    pub kind: String,
    /// The product group the money belongs to.
    pub product_group_id: i64,
    /// Signed cents: positive onto the card, negative off it.
    pub amount_cents: i64,
    /// The card's number.
    pub card: String,
    /// The holder's participant code (never given to markets).
    pub participant_code: Option<String>,
    /// The holder's partner organization.
    pub partner: Option<String>,
    /// The market of a sale or refund.
    pub market: Option<String>,
    /// The register of a sale.
    pub register: Option<String>,
    /// The redemption an entry belongs to.
    pub redemption_id: Option<i64>,
    /// The reason of a manual movement, or why funds expired.
    pub reason: String,
}

/// The program's transaction log, newest first, paginated with `Link: rel="next"`: what the
/// caller may read (the operator and funders everything, a partner its participants'
/// movements, a market its sales and refunds).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/transactions", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id"), TransactionQuery, PageQuery),
    responses((status = 200, description = "A page of movements; the `Link` header points to the next", body = [ApiTransaction]),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn transactions(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(f): Query<TransactionQuery>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let kind = match f.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(
            k.parse::<halles_core::coupons::EntryKind>()
                .map_err(|_| field("kind", "choice_invalid"))?,
        ),
    };
    let limit = q.limit();
    let (from, until) = crate::api::coupons::day_range(&f.from, &f.to)?;
    let filter = halles_store::coupons::TransactionFilter {
        from,
        until,
        kind,
        market: f.market_id.map(halles_core::OrgId),
        partner: f.partner_id.map(halles_core::OrgId),
        group: f.product_group_id.map(ProductGroupId),
        card: f
            .card
            .as_deref()
            .map(|c| c.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|c| !c.is_empty()),
        before: q.after()?,
    };
    let mut rows = state
        .store
        .transactions(
            &program_scope(&state, &a.scope, path.1).await?,
            &filter,
            limit + 1,
        )
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let last = more.then(|| rows.last().map(|t| t.id)).flatten();
    let body: Vec<ApiTransaction> = rows
        .into_iter()
        .map(|t| ApiTransaction {
            id: t.id,
            at: t.at.to_string(),
            kind: t.kind.code().to_owned(),
            product_group_id: t.group.0,
            amount_cents: t.amount.0,
            card: t.card,
            participant_code: t.participant,
            partner: t.partner,
            market: t.market,
            register: t.register,
            redemption_id: t.redemption,
            reason: t.reason,
        })
        .collect();
    let link_path = format!(
        "/api/v1/organizations/{}/programs/{}/transactions",
        a.scope.org, path.1
    );
    let extra = [
        ("from", f.from.clone().unwrap_or_default()),
        ("to", f.to.clone().unwrap_or_default()),
        ("kind", f.kind.clone().unwrap_or_default()),
        (
            "market_id",
            f.market_id.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "partner_id",
            f.partner_id.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "product_group_id",
            f.product_group_id
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        ("card", f.card.clone().unwrap_or_default()),
    ];
    let mut res = Json(body).into_response();
    if let Some(link) = crate::api::pagination::next_link(&state, &link_path, limit, last, &extra) {
        res.headers_mut().insert(axum::http::header::LINK, link);
    }
    Ok(res)
}
