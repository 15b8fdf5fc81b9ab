//! Programs: the ones the caller's organization runs or takes part in, one program, and its
//! settings.

use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use halles_core::coupons::ReportPeriod;
use halles_core::validation::FieldError;
use halles_store::coupons::{Access, Program, ProgramSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A product group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProductGroup {
    /// Id.
    pub id: i64,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Colour `#rrggbb`.
    pub colour: String,
    /// The reserved loyalty group.
    pub is_loyalty: bool,
}

/// A participant type.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiParticipantType {
    /// Id.
    pub id: i64,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// The value naming it in imported files.
    pub match_key: String,
}

/// A program as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProgram {
    /// Id.
    pub id: i64,
    /// The operator organization.
    pub operator_id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// `operator`, `partner`, `market` or `funder`.
    pub access: String,
    /// Archived.
    pub archived: bool,
    /// Product groups.
    pub product_groups: Vec<ApiProductGroup>,
    /// Participant types.
    pub participant_types: Vec<ApiParticipantType>,
}

async fn api_program(state: &AppState, p: Program, access: Access) -> Result<ApiProgram, ApiError> {
    let groups = state.store.product_groups(p.id).await?;
    let types = state.store.participant_types(p.id).await?;
    Ok(ApiProgram {
        id: p.id.0,
        operator_id: p.operator.0,
        name: p.name,
        starts_on: p.starts_on.to_string(),
        ends_on: p.ends_on.to_string(),
        access: match access {
            Access::Operator => "operator".into(),
            Access::Member(r) => r.code().into(),
        },
        archived: p.archived,
        product_groups: groups
            .into_iter()
            .map(|g| ApiProductGroup {
                id: g.id.0,
                name_fr: g.name_fr,
                name_en: g.name_en,
                colour: g.colour,
                is_loyalty: g.is_loyalty,
            })
            .collect(),
        participant_types: types
            .into_iter()
            .map(|t| ApiParticipantType {
                id: t.id.0,
                name_fr: t.name_fr,
                name_en: t.name_en,
                match_key: t.match_key,
            })
            .collect(),
    })
}

/// The programs the caller's organization runs or takes part in.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization")),
    responses((status = 200, body = [ApiProgram])),
    security(("bearer" = ["coupons:read"])))]
pub async fn programs(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
) -> Result<Json<Vec<ApiProgram>>, ApiError> {
    let mut out = Vec::new();
    for (p, access) in state.store.programs(&a.scope).await? {
        out.push(api_program(&state, p, access).await?);
    }
    Ok(Json(out))
}

/// One program, with its product groups and participant types.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, body = ApiProgram), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn program(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiProgram>, ApiError> {
    let p = program_scope(&state, &a.scope, path.1).await?;
    Ok(Json(
        api_program(&state, p.program().clone(), p.access()).await?,
    ))
}

/// A program's settings, as the operator changes them (anonymity and off-platform allocations
/// stay as chosen at creation). Every field is required: `PUT` replaces the whole object
/// (send back what `GET` gave for the fields you do not change); a body missing one is
/// refused (`400 malformed_body`) and changes nothing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiProgramSettings {
    /// Name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// The name participants see (empty: the name). Required: a `PUT` replaces every
    /// setting, so a field left out would blank it.
    pub public_name: String,
    /// The address participants see on their balance page (empty: none). Required, like every
    /// field of a `PUT`.
    pub public_address: String,
    /// First day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: String,
    /// Last day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: String,
    /// Reconciliation period: `month`, `week` or `day`.
    #[schema(schema_with = crate::api::schemas::report_period)]
    pub report_period: String,
    /// Whether partner organizations give out cards themselves.
    pub partners_assign_cards: bool,
    /// Whether cards need their 4-digit PIN.
    pub pin_required: bool,
}

/// Replaces a program's settings (the operator): the whole object, every field required.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id")),
    request_body = ApiProgramSettings,
    responses((status = 204, description = "Changed"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn update_program(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiProgramSettings>,
) -> Result<StatusCode, ApiError> {
    let mut errors = Vec::new();
    if body.name.trim().is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            code: "required",
        });
    }
    let starts_on = body.starts_on.parse().ok();
    let ends_on = body.ends_on.parse().ok();
    for (name, d) in [("starts_on", starts_on), ("ends_on", ends_on)] {
        if d.is_none() {
            errors.push(FieldError {
                field: name.into(),
                code: "date_invalid",
            });
        }
    }
    let period: Option<ReportPeriod> = body.report_period.parse().ok();
    if period.is_none() {
        errors.push(FieldError {
            field: "report_period".into(),
            code: "report_period_invalid",
        });
    }
    let (Some(starts_on), Some(ends_on), Some(report_period), true) =
        (starts_on, ends_on, period, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let settings = ProgramSettings {
        name: body.name.trim().to_owned(),
        public_name: body.public_name.trim().to_owned(),
        public_address: body.public_address.trim().to_owned(),
        starts_on,
        ends_on,
        report_period,
        partners_assign_cards: body.partners_assign_cards,
        pin_required: body.pin_required,
    };
    state
        .store
        .update_program(&program_scope(&state, &a.scope, path.1).await?, &settings)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
