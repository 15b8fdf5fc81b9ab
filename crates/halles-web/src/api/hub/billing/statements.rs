//! Producers' statements and payouts: a hub lists, reads, prints, issues and pays them; a
//! producer lists, reads and prints its own; a buyer has none (`wrong_kind`).

use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::pagination::{PageQuery, page_response};
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::organizations::OrgKind;
use halles_core::payouts::{ChargedTo, Period};
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrgId, StatementId};
use halles_store::hub::billing::payouts::{
    IssuedStatement, Statement, StatementAdjustment, StatementInput, StatementLine,
};
use halles_store::{StoreError, TenantScope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A statement as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatement {
    /// Its id (the pagination key, newest first).
    pub id: i64,
    /// Its number, without gaps per hub and year (`REL-2026-0001`).
    pub number: String,
    /// The hub.
    pub hub_id: i64,
    /// The producer.
    pub producer_id: i64,
    /// Its language, the producer's.
    pub lang: String,
    /// `cycle` or `month`.
    pub period_kind: String,
    /// The cycle, for a cycle's statement.
    pub cycle_id: Option<i64>,
    /// The period's first day.
    #[schema(format = Date)]
    pub period_start: String,
    /// Its last day.
    #[schema(format = Date)]
    pub period_end: String,
    /// The cycle's name or the month (`2026-12`).
    pub period_label: String,
    /// The hub's name, as on the statement.
    pub hub_name: String,
    /// The producer's name.
    pub producer_name: String,
    /// Who bore the losses: `producer` or `hub`.
    pub losses_charged_to: String,
    /// The lines at the producer's prices, in cents.
    pub producer_cents: i64,
    /// What buyers paid for them, in cents.
    pub buyer_cents: i64,
    /// The hub's margin, in cents.
    pub margin_cents: i64,
    /// Adjustments the hub pays (losses it bears), in cents.
    pub adjustments_cents: i64,
    /// What the producer is owed, in cents.
    pub owed_cents: i64,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
    /// The day it was paid, once paid.
    #[schema(format = Date)]
    pub paid_on: Option<String>,
    /// The payment's reference, once paid.
    pub payout_reference: Option<String>,
}

impl From<Statement> for ApiStatement {
    fn from(s: Statement) -> Self {
        ApiStatement {
            id: s.id.0,
            number: s.number,
            hub_id: s.hub.0,
            producer_id: s.producer.0,
            lang: s.lang.code().to_owned(),
            period_kind: s.period_kind,
            cycle_id: s.cycle.map(|c| c.0),
            period_start: s.period_start.to_string(),
            period_end: s.period_end.to_string(),
            period_label: s.period_label,
            hub_name: s.hub_name,
            producer_name: s.producer_name,
            losses_charged_to: s.losses_charged_to.code().to_owned(),
            producer_cents: s.totals.producer_amount.0,
            buyer_cents: s.totals.buyer_amount.0,
            margin_cents: s.totals.margin.0,
            adjustments_cents: s.totals.adjustments.0,
            owed_cents: s.totals.owed.0,
            issued_at: s.issued_at.to_string(),
            paid_on: s.payout.as_ref().map(|p| p.paid_on.to_string()),
            payout_reference: s.payout.map(|p| p.reference),
        }
    }
}

/// A line of a statement: one invoice line of the producer's product.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatementLine {
    /// The invoice.
    pub invoice_id: i64,
    /// The line on the invoice.
    pub invoice_line_no: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// The invoice's date.
    #[schema(format = Date)]
    pub invoice_date: String,
    /// The buyer.
    pub buyer_name: String,
    /// The product.
    pub product_id: i64,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Sale unit.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// Quantity delivered, a decimal string.
    pub quantity: String,
    /// Real weight in grams (a catch-weight line).
    pub weight_g: Option<i64>,
    /// The producer's unit price, in cents.
    pub producer_unit_price_cents: i64,
    /// The producer's price per kilogram, in cents (a catch-weight line).
    pub producer_kg_price_cents: Option<i64>,
    /// What the producer is owed for it, in cents.
    pub producer_cents: i64,
    /// What the buyer paid for it before taxes, in cents.
    pub buyer_cents: i64,
    /// The hub's margin on it, in cents.
    pub margin_cents: i64,
    /// The French name of the product it replaced, when a substitution.
    pub substitute_for: Option<String>,
}

impl From<StatementLine> for ApiStatementLine {
    fn from(l: StatementLine) -> Self {
        ApiStatementLine {
            invoice_id: l.invoice.0,
            invoice_line_no: l.invoice_line_no,
            invoice_number: l.invoice_number,
            invoice_date: l.invoice_date.to_string(),
            buyer_name: l.buyer_name,
            product_id: l.product.0,
            name_fr: l.name_fr,
            name_en: l.name_en,
            unit: l.unit.code().to_owned(),
            quantity: l.quantity.to_string(),
            weight_g: l.weight_g,
            producer_unit_price_cents: l.producer_unit_price.0,
            producer_kg_price_cents: l.producer_kg_price.map(|c| c.0),
            producer_cents: l.producer_amount.0,
            buyer_cents: l.buyer_amount.0,
            margin_cents: l.margin.0,
            substitute_for: (!l.substitute_for_fr.is_empty()).then_some(l.substitute_for_fr),
        }
    }
}

/// A loss or donation of the producer's goods at the hub, from the stock ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatementAdjustment {
    /// `lost` or `donated`.
    pub kind: String,
    /// The lot's code.
    pub lot_code: String,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Sale unit.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// How much, a decimal string.
    pub quantity: String,
    /// The reason recorded.
    pub reason: String,
    /// Who bears it: `producer` or `hub`.
    pub charged_to: String,
    /// Its value at the producer's price, in cents.
    pub value_cents: i64,
    /// What it adds to what the producer is owed, in cents.
    pub amount_cents: i64,
}

impl From<StatementAdjustment> for ApiStatementAdjustment {
    fn from(a: StatementAdjustment) -> Self {
        ApiStatementAdjustment {
            kind: a.kind,
            lot_code: a.lot_code,
            name_fr: a.name_fr,
            name_en: a.name_en,
            unit: a.unit.code().to_owned(),
            quantity: a.quantity.to_string(),
            reason: a.reason,
            charged_to: a.charged_to.code().to_owned(),
            value_cents: a.value.0,
            amount_cents: a.amount.0,
        }
    }
}

/// A statement with its lines and adjustments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIssuedStatement {
    /// The statement.
    #[serde(flatten)]
    pub statement: ApiStatement,
    /// Its lines.
    pub lines: Vec<ApiStatementLine>,
    /// Its adjustments.
    pub adjustments: Vec<ApiStatementAdjustment>,
}

impl From<IssuedStatement> for ApiIssuedStatement {
    fn from(s: IssuedStatement) -> Self {
        ApiIssuedStatement {
            statement: s.statement.into(),
            lines: s.lines.into_iter().map(Into::into).collect(),
            adjustments: s.adjustments.into_iter().map(Into::into).collect(),
        }
    }
}

/// Which statements to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StatementFilter {
    /// Only this producer's (a hub's list).
    #[param(minimum = 1)]
    pub producer_id: Option<i64>,
}

/// A hub and a producer have statements; any other kind of organization is refused.
async fn has_statements(state: &AppState, scope: &TenantScope) -> Result<(), ApiError> {
    match state.store.organization_by_id(scope.org).await?.kind {
        OrgKind::Hub | OrgKind::Producer => Ok(()),
        _ => Err(StoreError::Refused(Refusal::WrongKind).into()),
    }
}

/// The statements a hub issued or a producer received, newest first, paginated with
/// `Link: rel="next"`.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/producer-statements", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the producer"), StatementFilter, PageQuery),
    responses((status = 200, description = "A page of statements", body = [ApiStatement]),
      (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn statements(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(f): Query<StatementFilter>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    has_statements(&state, &a.scope).await?;
    let limit = q.limit();
    let rows = state
        .store
        .statements(
            &a.scope,
            f.producer_id.map(OrgId),
            q.after()?.map(StatementId),
            limit + 1,
        )
        .await?;
    let path = format!("/api/v1/organizations/{}/producer-statements", a.scope.org);
    let producer = f.producer_id.map(|p| ("producer_id", p.to_string()));
    let extra: Vec<(&str, String)> = producer.into_iter().collect();
    Ok(page_response(
        &state,
        &path,
        limit,
        rows,
        |s| s.id.0,
        &extra,
        ApiStatement::from,
    ))
}

/// One statement with its lines, for the hub that issued it or its producer.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/producer-statements/{id}", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the producer"), ("id" = i64, Path, description = "Statement id")),
    responses((status = 200, body = ApiIssuedStatement), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn statement(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiIssuedStatement>, ApiError> {
    has_statements(&state, &a.scope).await?;
    let s = state
        .store
        .producer_statement(&a.scope, StatementId(path.1))
        .await?;
    Ok(Json(s.into()))
}

/// The statement as a PDF, in the producer's language.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/producer-statements/{id}/pdf", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the producer"), ("id" = i64, Path, description = "Statement id")),
    responses((status = 200, description = "The statement", content((Vec<u8> = "application/pdf"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn statement_pdf(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    has_statements(&state, &a.scope).await?;
    let s = state
        .store
        .producer_statement(&a.scope, StatementId(path.1))
        .await?;
    let bytes = crate::pages::hub::billing::producer_statement_pdf(&s).map_err(|e| {
        tracing::error!(error = %e, "statement PDF");
        ApiError::Internal
    })?;
    let name = format!("attachment; filename=\"{}.pdf\"", s.statement.number);
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

/// The period of a statement to issue. Other fields beside `kind` and its own are ignored:
/// the document cannot mark a tagged variant closed, so refusing them would refuse bodies the
/// schema allows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiPeriod {
    /// The invoices of one order cycle's orders.
    Cycle {
        /// The cycle.
        #[schema(minimum = 1)]
        cycle_id: i64,
    },
    /// The invoices dated in one calendar month (`2026-12`, years 2000 to 2100).
    Month {
        /// The month.
        #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
        month: String,
    },
}

/// A statement to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiNewStatement {
    /// The producer (one the hub works with).
    #[schema(minimum = 1)]
    pub producer_id: i64,
    /// The period.
    pub period: ApiPeriod,
    /// Who bears the losses and donations of its lots in the period: `producer` (not paid
    /// for them, the default) or `hub` (paid at its price).
    #[serde(default)]
    #[schema(schema_with = charged_to)]
    pub losses_charged_to: Option<String>,
}

fn charged_to() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ChargedTo::ALL.iter().map(|c| c.code())))
        .build()
}

/// Issues a producer's statement for a period (the hub only): what is left of the period for
/// that producer (invoice lines and losses not on a statement yet), numbered and frozen.
/// `statement_empty` when nothing is left; `period_invalid` for a month out of range.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/producer-statements", tag = "billing",
    params(("org" = i64, Path, description = "The hub")),
    request_body = ApiNewStatement,
    responses((status = 201, body = ApiIssuedStatement), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn issue_statement(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    body: Result<ApiJson<ApiNewStatement>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let period = match b.period {
        ApiPeriod::Cycle { cycle_id } => Period::Cycle {
            cycle: CycleId(cycle_id),
        },
        ApiPeriod::Month { month } => {
            Period::parse_month(&month).ok_or_else(|| field("period.month", "period_invalid"))?
        }
    };
    let losses_charged_to = match b.losses_charged_to.as_deref() {
        None => ChargedTo::Producer,
        Some(c) => c
            .parse()
            .map_err(|_| field("losses_charged_to", "choice_invalid"))?,
    };
    let id = state
        .store
        .issue_statement(
            &hs,
            StatementInput {
                producer: OrgId(b.producer_id),
                period,
                losses_charged_to,
            },
        )
        .await?;
    let s = state.store.producer_statement(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiIssuedStatement::from(s))).into_response())
}

/// A payout: the statement paid.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiPayout {
    /// The day it was paid, not after today (`payout_date_invalid`).
    #[schema(format = Date)]
    pub paid_on: String,
    /// The payment's reference (cheque number, transfer confirmation), 1 to 60 characters.
    #[schema(min_length = 1, max_length = 60)]
    pub reference: String,
}

/// Marks a statement paid (the hub only), once: `statement_already_paid` the second time.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/producer-statements/{id}/payout", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Statement id")),
    request_body = ApiPayout,
    responses((status = 200, body = ApiIssuedStatement), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn pay_statement(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiPayout>, ApiError>,
) -> Result<Json<ApiIssuedStatement>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let paid_on = b
        .paid_on
        .parse()
        .map_err(|_| field("paid_on", "payout_date_invalid"))?;
    let id = StatementId(path.1);
    state
        .store
        .mark_statement_paid(&hs, id, paid_on, &b.reference)
        .await?;
    let s = state.store.producer_statement(&a.scope, id).await?;
    Ok(Json(s.into()))
}
