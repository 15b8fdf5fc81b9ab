//! Importing a list of participants, checked row by row.

use super::program_scope;
use super::redemptions::ApiGroupAmount;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use halles_core::money::Cents;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A list of participants to check and, unless `dry_run`, import (all or nothing).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewImport {
    /// Only check the rows.
    #[serde(default)]
    pub dry_run: bool,
    /// What consent was given for (the same for the whole list).
    #[schema(min_length = 1, pattern = r"\S")]
    pub consent_purpose: String,
    /// Also enrol everyone in this schedule (reserving from the envelope).
    #[serde(default)]
    pub schedule_id: Option<i64>,
    /// The rows.
    pub rows: Vec<ApiImportRow>,
}

/// One row of an import.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiImportRow {
    /// Participant type: match key (`1`, `2`, `3+`) or name.
    pub participant_type: String,
    /// First identifier.
    #[serde(default)]
    pub id1: String,
    /// Second identifier.
    #[serde(default)]
    pub id2: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// Date of consent, `YYYY-MM-DD`.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub consent_on: String,
    /// Programs administered off the platform: the allocation's first day, `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    /// ...its last day (empty or left out: an open-ended allocation, until the program's last
    /// day)...
    #[serde(default)]
    pub ends_on: String,
    /// ...when loads happen: `first_of_month`, `fifteenth`, `first_and_fifteenth` or `weekly`...
    #[serde(default)]
    pub moment: String,
    /// ...and the amount per load, per product group (groups of this program, not loyalty:
    /// `unknown_group_or_type` otherwise).
    #[serde(default)]
    pub amounts: Vec<ApiGroupAmount>,
}

/// A field a row changes on a known participant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiFieldChange {
    /// `participant_type` (its id), `id1`, `id2`, `name`, `phone`, `email`, `postal_code` or
    /// `notes`.
    pub field: String,
    /// As recorded.
    pub before: String,
    /// As the row gives it.
    pub after: String,
}

/// The outcome of one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiImportOutcome {
    /// Position in `rows`, from 0.
    pub index: usize,
    /// The first of `problems`, if any.
    pub problem: Option<String>,
    /// Every problem of the row: `sample_row` (the template's sample, alone), `unknown_type`,
    /// `date_invalid`, `email_invalid`, `participant_removed`, `duplicate_id1_in_file`,
    /// `duplicate_id2`, `duplicate_id2_in_file`, `type_without_amount` or `over_budget`; off
    /// the platform also `id1_required`, `ends_before_start`, `moment_invalid`,
    /// `amount_invalid`, `amount_too_large`, `budget_too_large`, `unknown_group_or_type` or
    /// `no_load_in_period`.
    pub problems: Vec<String>,
    /// `created` (a new first identifier), `updated` (a known one whose fields change; off the
    /// platform, also new terms) or `unchanged`.
    pub action: Option<String>,
    /// On the platform, for `updated`: every field that changes, before and after.
    pub changes: Vec<ApiFieldChange>,
    /// The participant's code, once imported.
    pub code: Option<String>,
}

/// The report of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiImportReport {
    /// Whether the rows were saved.
    pub applied: bool,
    /// Rows with a problem.
    pub problems: usize,
    /// Every row.
    pub rows: Vec<ApiImportOutcome>,
    /// Off the platform: active participants missing from the list (deactivated when applied).
    pub deactivated: usize,
}

/// Checks a list of participants row by row and, when no row has a problem and `dry_run` is
/// false, saves it in one transaction (a partner organization): a new first identifier enrols
/// a new person, a known one updates that person (an empty field keeps what is recorded).
/// Nothing is half-applied: with any problem, `applied` is false and every row gives every
/// problem it has. A dry run tells what each row would do, with each change before and after. At most 20,000 rows
/// (`too_many_rows` otherwise).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/participants/import", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization"), ("id" = i64, Path, description = "Program id")),
    request_body = NewImport,
    responses((status = 200, body = ApiImportReport), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn import_participants(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewImport>,
) -> Result<Json<ApiImportReport>, ApiError> {
    // The same limit as an uploaded file (`err-too_many_rows` says the number).
    if body.rows.len() > halles_docs::read::MAX_ROWS {
        return Err(field("rows", "too_many_rows"));
    }
    let rows: Vec<halles_store::coupons::ImportRow> = body
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| halles_store::coupons::ImportRow {
            line: i,
            participant_type: r.participant_type.clone(),
            id1: r.id1.clone(),
            id2: r.id2.clone(),
            name: r.name.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            postal_code: r.postal_code.clone(),
            notes: r.notes.clone(),
            consent_on: r.consent_on.clone(),
            starts_on: r.starts_on.clone(),
            ends_on: r.ends_on.clone(),
            moment: r.moment.clone(),
            amounts: r
                .amounts
                .iter()
                .map(|x| {
                    (
                        halles_core::ProductGroupId(x.product_group_id),
                        Cents(x.amount_cents).plain(),
                    )
                })
                .collect(),
        })
        .collect();
    let report = state
        .store
        .import_participants(
            &program_scope(&state, &a.scope, path.1).await?,
            &rows,
            &body.consent_purpose,
            body.schedule_id.map(halles_core::ScheduleId),
            !body.dry_run,
        )
        .await?;
    Ok(Json(ApiImportReport {
        applied: report.applied,
        problems: report.problems,
        deactivated: report.deactivated,
        rows: report
            .rows
            .into_iter()
            .map(|r| ApiImportOutcome {
                index: r.line,
                problem: r.problem.map(str::to_owned),
                problems: r.problems.iter().map(|p| (*p).to_owned()).collect(),
                action: r.action.map(str::to_owned),
                changes: r
                    .changes
                    .into_iter()
                    .map(|c| ApiFieldChange {
                        field: c.field.to_owned(),
                        before: c.before,
                        after: c.after,
                    })
                    .collect(),
                code: r.code,
            })
            .collect(),
    }))
}
