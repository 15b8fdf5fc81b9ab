//! A program's participants: the list, enrolment, changes, and loads per schedule.

use super::{program_scope, yes};
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::ParticipantTypeId;
use halles_store::coupons::{Participant, ParticipantInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A participant (identity fields only as the program collects them).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiParticipant {
    /// Id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// The code the platform gave them (ignored on input).
    #[serde(default)]
    pub code: String,
    /// Participant type.
    pub participant_type_id: i64,
    /// First identifier, unique within the organization.
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
    /// E-mailed receipts.
    #[serde(default = "yes")]
    pub receipts: bool,
    /// Date consent was given.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub consent_on: String,
    /// What consent was given for.
    #[schema(min_length = 1, pattern = r"\S")]
    pub consent_purpose: String,
    /// Active (ignored on input).
    #[serde(default = "yes")]
    pub active: bool,
    /// Current card number (ignored on input).
    #[serde(default)]
    pub card_number: Option<String>,
}

impl From<Participant> for ApiParticipant {
    fn from(p: Participant) -> Self {
        ApiParticipant {
            id: p.id.0,
            code: p.code,
            participant_type_id: p.participant_type.0,
            id1: p.id1,
            id2: p.id2,
            name: p.name,
            phone: p.phone,
            email: p.email,
            postal_code: p.postal_code,
            notes: p.notes,
            receipts: p.receipts,
            consent_on: p.consent_on.to_string(),
            consent_purpose: p.consent_purpose,
            active: p.active,
            card_number: p.card.map(|(_, n)| n),
        }
    }
}

/// A search.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Search {
    /// Code, identifier, name, phone or card number.
    #[serde(default)]
    pub q: String,
}

/// The participants the caller may see: a partner its own, the operator all.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/participants", tag = "coupons",
    params(("org" = i64, Path, description = "Partner or operator"), ("id" = i64, Path, description = "Program id"), Search),
    responses((status = 200, body = [ApiParticipant]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn participants(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(q): Query<Search>,
) -> Result<Json<Vec<ApiParticipant>>, ApiError> {
    let list = state
        .store
        .participants(&program_scope(&state, &a.scope, path.1).await?, &q.q)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

pub(crate) fn participant_input(body: &ApiParticipant) -> Result<ParticipantInput, ApiError> {
    if !body.email.trim().is_empty() && !halles_core::validation::is_plausible_email(&body.email) {
        return Err(field("email", "email_invalid"));
    }
    Ok(ParticipantInput {
        participant_type: Some(ParticipantTypeId(body.participant_type_id)),
        id1: body.id1.clone(),
        id2: body.id2.clone(),
        name: body.name.clone(),
        phone: body.phone.clone(),
        email: body.email.clone(),
        postal_code: body.postal_code.clone(),
        notes: body.notes.clone(),
        receipts: body.receipts,
        consent_on: Some(date_field("consent_on", &body.consent_on)?),
        consent_purpose: body.consent_purpose.clone(),
    })
}

/// Enrols a participant (a partner organization).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/participants", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiParticipant,
    responses((status = 201, body = ApiParticipant), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn create_participant(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiParticipant>,
) -> Result<Response, ApiError> {
    let input = participant_input(&body)?;
    let p = state
        .store
        .create_participant(&program_scope(&state, &a.scope, path.1).await?, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(ApiParticipant::from(p))).into_response())
}

/// Whether a change of type is confirmed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TypeChangeConfirm {
    /// `true`: apply a change of type whatever it does to the loads to come (see
    /// `type-change-effects`). Without it, a change of type that changes them is refused
    /// (409 `type_change_unconfirmed`).
    #[serde(default)]
    pub confirm_type_change: bool,
}

/// Changes a participant: type, identifiers, contact details, notes and e-mailed receipts (the
/// consent fields are kept as recorded). A new type moves their envelope reservations, refused
/// beyond an envelope with `over_budget`; when it changes what a schedule will still load
/// them, it needs `confirm_type_change=true` (else 409 `type_change_unconfirmed`).
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id"), TypeChangeConfirm),
    request_body = ApiParticipant,
    responses((status = 200, body = ApiParticipant), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn update_participant(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    Query(confirm): Query<TypeChangeConfirm>,
    ApiJson(body): ApiJson<ApiParticipant>,
) -> Result<Json<ApiParticipant>, ApiError> {
    let input = participant_input(&body)?;
    let program = program_scope(&state, &a.scope, path.1).await?;
    let who = halles_core::ParticipantId(path.2);
    state
        .store
        .update_participant(&program, who, &input, confirm.confirm_type_change)
        .await?;
    let p = state.store.participant(&program, who).await?;
    Ok(Json(ApiParticipant::from(p)))
}

/// A participant's number of loads in a schedule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMaxLoads {
    /// At least the loads already made, at most the schedule's load dates from the person's
    /// start (it may be above the schedule's maximum: one person gets more).
    #[schema(minimum = 1, maximum = 1000)]
    pub max_loads: u32,
}

/// Changes how many loads a participant receives from a schedule, down or up (above the
/// schedule's maximum for this person); their envelope reservation follows (`max_loads`,
/// `max_loads_above_schedule`, `max_loads_below_loaded`, `over_budget`). Audited.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/allocation-schedules/{sid}", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id"), ("sid" = i64, Path, description = "Schedule id")),
    request_body = NewMaxLoads,
    responses((status = 204, description = "Changed"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn set_max_loads(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64, i64)>,
    ApiJson(body): ApiJson<NewMaxLoads>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .set_max_loads(
            &program_scope(&state, &a.scope, path.1).await?,
            halles_core::ScheduleId(path.3),
            halles_core::ParticipantId(path.2),
            body.max_loads,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a change of type does to one of the participant's schedules.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTypeChangeEffect {
    /// The schedule.
    pub schedule_id: i64,
    /// Its name.
    pub schedule_name: String,
    /// Loads still to come.
    pub pending_loads: i64,
    /// One load before, in cents.
    pub per_load_before_cents: i64,
    /// One load after, in cents (0: the new type gets nothing there, a conflict to resolve).
    pub per_load_after_cents: i64,
    /// The loads to come before, in cents.
    pub total_before_cents: i64,
    /// The loads to come after, in cents.
    pub total_after_cents: i64,
}

/// The type a change would move a participant to.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TypeChangeQuery {
    /// The new participant type.
    #[param(minimum = 1)]
    pub participant_type_id: i64,
}

/// What moving a participant to another type does to each schedule they are enrolled in,
/// before it is applied: only the schedules whose loads to come change (empty: nothing to
/// confirm).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/type-change-effects", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id"), TypeChangeQuery),
    responses((status = 200, body = [ApiTypeChangeEffect]), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn type_change_effects(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64, i64)>,
    Query(q): Query<TypeChangeQuery>,
) -> Result<Json<Vec<ApiTypeChangeEffect>>, ApiError> {
    let effects = state
        .store
        .type_change_effects(
            &program_scope(&state, &a.scope, path.1).await?,
            halles_core::ParticipantId(path.2),
            ParticipantTypeId(q.participant_type_id),
        )
        .await?;
    Ok(Json(
        effects
            .into_iter()
            .map(|e| ApiTypeChangeEffect {
                schedule_id: e.schedule.0,
                schedule_name: e.schedule_name,
                pending_loads: e.pending,
                per_load_before_cents: e.per_load_before.0,
                per_load_after_cents: e.per_load_after.0,
                total_before_cents: e.total_before.0,
                total_after_cents: e.total_after.0,
            })
            .collect(),
    ))
}

/// A participant enrolled in a running schedule that gives their type nothing.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTypeConflict {
    /// The participant.
    pub participant_id: i64,
    /// Their code.
    pub code: String,
    /// Their type.
    pub participant_type_id: i64,
    /// The schedule.
    pub schedule_id: i64,
    /// Its name.
    pub schedule_name: String,
}

/// The conflicts to resolve in a program: active participants enrolled in a running schedule
/// that gives their type nothing (their loads to come are $0.00). A partner sees its own.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/type-conflicts", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, body = [ApiTypeConflict]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn type_conflicts(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiTypeConflict>>, ApiError> {
    let list = state
        .store
        .type_conflicts(&program_scope(&state, &a.scope, path.1).await?, None)
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|c| ApiTypeConflict {
                participant_id: c.participant.0,
                code: c.code,
                participant_type_id: c.participant_type.0,
                schedule_id: c.schedule.0,
                schedule_name: c.schedule_name,
            })
            .collect(),
    ))
}

/// Brings a removed participant back: the same participant (code, card, history), active
/// again, to enrol in schedules anew (the loads they received count towards each schedule's
/// maximum). 409 `participant_active` when they were not removed. Audited.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/return", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id")),
    responses((status = 200, body = ApiParticipant), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn return_participant(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<ApiParticipant>, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let who = halles_core::ParticipantId(path.2);
    state.store.return_participant(&program, who).await?;
    Ok(Json(ApiParticipant::from(
        state.store.participant(&program, who).await?,
    )))
}

/// Dates to load now.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueLoads {
    /// Due dates (YYYY-MM-DD) the participant did not receive: missed for want of a card or
    /// skipped by a usage-based schedule; 1 to 60.
    #[schema(min_items = 1, max_items = 60, value_type = Vec<String>, format = Date)]
    pub dates: Vec<String>,
}

/// What staff loaded.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedLoads {
    /// The total loaded, in cents.
    pub loaded_cents: i64,
}

/// Staff issue loads a participant did not receive, all at once or none: dates missed for want
/// of a card or skipped by a usage-based schedule (`no_missed_load`, `load_outside_enrolment`,
/// `schedule_ended`, `no_card`, `max_loads_reached`, `over_budget`). Each load names the
/// caller on its ledger entries and is audited.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/allocation-schedules/{sid}/loads", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id"), ("sid" = i64, Path, description = "Schedule id")),
    request_body = IssueLoads,
    responses((status = 200, body = IssuedLoads), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn issue_loads(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64, i64)>,
    ApiJson(body): ApiJson<IssueLoads>,
) -> Result<Json<IssuedLoads>, ApiError> {
    if body.dates.is_empty() || body.dates.len() > halles_store::coupons::MAX_ISSUED_AT_ONCE {
        return Err(field("dates", "no_missed_load"));
    }
    let dates = body
        .dates
        .iter()
        .map(|d| date_field("dates", d))
        .collect::<Result<Vec<_>, _>>()?;
    let loaded = state
        .store
        .reissue_loads(
            &program_scope(&state, &a.scope, path.1).await?,
            halles_core::ScheduleId(path.3),
            halles_core::ParticipantId(path.2),
            &dates,
        )
        .await?;
    Ok(Json(IssuedLoads {
        loaded_cents: loaded.0,
    }))
}
