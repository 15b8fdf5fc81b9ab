//! A program's reports: totals and counts by dimension over a period, and the history of an
//! envelope or of the reserve. What the caller reads is its slice of the ledger (the operator
//! and funders all of it, a partner its participants', a market its sales).

use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead};
use crate::api::coupons::program_scope;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use halles_core::{EnvelopeId, OrgId};
use halles_store::coupons::{Counts, Dimension, EnvelopeMove, HistoryOf, ReportFilter, Totals};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a report groups by, and over which days.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `product_group` (the default), `partner`, `market`, `market_group`, `register`,
    /// `participant_type`, `schedule` (the end-of-schedule report) or `period`.
    #[serde(default)]
    #[param(schema_with = crate::api::schemas::report_dimension)]
    pub by: Option<String>,
    /// From this day (`YYYY-MM-DD`, Montréal time), included.
    #[serde(default)]
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<String>,
    /// Until this day, included.
    #[serde(default)]
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<String>,
    /// Only this market's sales and refunds.
    #[serde(default)]
    pub market_id: Option<i64>,
}

/// Sums of movements, in cents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiReportTotals {
    /// Scheduled loads.
    pub loaded_cents: i64,
    /// Manual loads, corrections and gift funds (net).
    pub adjusted_cents: i64,
    /// Spent at registers.
    pub spent_cents: i64,
    /// Refunded to cards.
    pub refunded_cents: i64,
    /// Expired or replaced.
    pub expired_cents: i64,
    /// Left on cards from these movements.
    pub remaining_cents: i64,
    /// Spent less refunded: what markets are owed.
    pub owed_cents: i64,
    /// Purchases (sales at registers).
    pub purchases: i64,
    /// Participants who used their card.
    pub participants: i64,
    /// Cards used.
    pub cards: i64,
    /// Markets where they were used.
    pub markets: i64,
    /// Spent per purchase, rounded to the cent (zero without purchases).
    pub average_basket_cents: i64,
}

impl ApiReportTotals {
    fn of(t: &Totals, c: &Counts) -> ApiReportTotals {
        ApiReportTotals {
            loaded_cents: t.loaded.0,
            adjusted_cents: t.adjusted.0,
            spent_cents: t.spent.0,
            refunded_cents: t.refunded.0,
            expired_cents: t.expired.0,
            remaining_cents: t.remaining().0,
            owed_cents: t.net_spent().0,
            purchases: c.purchases,
            participants: c.participants,
            cards: c.cards,
            markets: c.markets,
            average_basket_cents: c.average_basket(t.spent).0,
        }
    }
}

/// One line of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiReportRow {
    /// The dimension's id (for `period`, the period's first day as `YYYYMMDD`); null for
    /// entries without it (loads have no market).
    pub key: Option<i64>,
    /// Its name (for `period`, the first day, `YYYY-MM-DD`).
    pub label: String,
    /// Its figures.
    pub totals: ApiReportTotals,
}

/// A report: its lines and the totals of the caller's slice (distinct counts do not add up
/// line by line: a participant who shopped at two markets counts once in the total).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiReport {
    /// The dimension.
    pub by: String,
    /// The lines.
    pub rows: Vec<ApiReportRow>,
    /// The whole.
    pub total: ApiReportTotals,
}

/// The program's report by a dimension over a period, with counts beside the amounts
/// (purchases, participants who used their card, cards, markets, average basket).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/reports", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id"), ReportQuery),
    responses((status = 200, description = "The report", body = ApiReport),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn report(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(q): Query<ReportQuery>,
) -> Result<Json<ApiReport>, ApiError> {
    let by = match q.by.as_deref() {
        None | Some("") => Dimension::ProductGroup,
        Some(b) => Dimension::parse(b).ok_or_else(|| field("by", "choice_invalid"))?,
    };
    let (from, until) = crate::api::coupons::day_range(&q.from, &q.to)?;
    let filter = ReportFilter {
        from,
        until,
        market: q.market_id.filter(|m| *m > 0).map(OrgId),
    };
    let ps = program_scope(&state, &a.scope, path.1).await?;
    let rows = state.store.report(&ps, Some(by), filter).await?;
    let totals = state.store.report_totals(&ps, filter).await?;
    let counts = state.store.report_counts(&ps, filter).await?;
    Ok(Json(ApiReport {
        by: by.code().to_owned(),
        rows: rows
            .iter()
            .map(|r| ApiReportRow {
                key: r.key,
                label: r.label.clone(),
                totals: ApiReportTotals::of(&r.totals, &r.counts),
            })
            .collect(),
        total: ApiReportTotals::of(&totals, &counts),
    }))
}

/// One line of an envelope's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEnvelopeMove {
    /// When (RFC 3339; a day's loads or returns: the last of them).
    pub at: String,
    /// `funding`, `load`, `manual_load`, `return` or `correction`.
    pub kind: String,
    /// Signed cents: into the envelope (positive) or onto cards (negative).
    pub amount_cents: i64,
    /// How many ledger entries the line sums (0 for a funding).
    pub entries: i64,
    /// What is in the envelope after this line, in cents.
    pub balance_cents: i64,
}

fn moves(list: Vec<EnvelopeMove>) -> Vec<ApiEnvelopeMove> {
    list.into_iter()
        .map(|m| ApiEnvelopeMove {
            at: m.at.to_string(),
            kind: m.kind.code().to_owned(),
            amount_cents: m.amount.0,
            entries: m.entries,
            balance_cents: m.balance.0,
        })
        .collect()
}

/// The history of a partner's envelope: each funding, the loads drawn from it, what came back
/// and corrections, with the running balance (the operator and funders; a partner its own).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/envelopes/{envelope}/history", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id"), ("envelope" = i64, Path, description = "Envelope id")),
    responses((status = 200, description = "The history, oldest first", body = [ApiEnvelopeMove]),
        (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn envelope_history(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiEnvelopeMove>>, ApiError> {
    let ps = program_scope(&state, &a.scope, path.1).await?;
    let list = state
        .store
        .envelope_history(&ps, HistoryOf::Envelope(EnvelopeId(path.2)))
        .await?;
    Ok(Json(moves(list)))
}

/// The history of the program's reserve (the operator and funders).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/reserve/history", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, description = "The history, oldest first", body = [ApiEnvelopeMove]),
        (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn reserve_history(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiEnvelopeMove>>, ApiError> {
    let ps = program_scope(&state, &a.scope, path.1).await?;
    let list = state
        .store
        .envelope_history(&ps, HistoryOf::Reserve)
        .await?;
    Ok(Json(moves(list)))
}
