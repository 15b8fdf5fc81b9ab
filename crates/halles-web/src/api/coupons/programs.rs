//! API of food-coupon programs: programs, allocation schedules, participants, cards, and
//! redemptions with refunds (what a register app or another system needs). Money is integer
//! cents; dates are ISO `YYYY-MM-DD`.

use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite, RedemptionsWrite};
use crate::api::json::ApiJson;
use crate::api::pagination::PageQuery;
use crate::api::problem::{ApiError, Problem, cents_field, date_field, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::coupons::{CardNumberError, CardStatus, Expiry, LoadMoment};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{CardId, ParticipantTypeId, ProductGroupId, ProgramId, RedemptionId, RegisterId};
use halles_store::StoreError;
use halles_store::coupons::{
    Access, Card, CardLookup, Participant, ParticipantInput, Program, ProgramScope, Redemption,
    RedemptionInput, Schedule, ScheduleInput,
};
use halles_store::platform::idempotency::Claim;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The stable code of a refused card state.
pub fn card_refused_code(status: &str) -> &'static str {
    match status {
        "disabled" => "card_disabled",
        "lost" => "card_lost",
        "other_market" => "card_other_market",
        _ => "card_unassigned",
    }
}

/// Maps coupon refusals to problems with their field.
fn refusal(e: StoreError) -> ApiError {
    match e {
        StoreError::Insufficient(g) => field(
            &format!("lines[product_group_id={g}]"),
            "insufficient_funds",
        ),
        StoreError::Refused(Refusal::DuplicateId1) => field("id1", "duplicate_id1"),
        StoreError::Refused(Refusal::UnknownType) => field("participant_type_id", "unknown_type"),
        StoreError::Refused(Refusal::ConsentRequired) => field("consent_on", "consent_required"),
        other => other.into(),
    }
}

fn lookup(card: &str) -> Result<CardLookup, ApiError> {
    CardLookup::parse(card).map_err(|e| {
        field(
            "card",
            match e {
                CardNumberError::Length => "card_number_length",
                CardNumberError::CheckDigit => "card_check_digit",
            },
        )
    })
}

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

/// The program in the path as the caller's organization reaches it: what the store's program
/// functions take, so every id a request names is checked against this program (`404` for
/// another program's).
pub(crate) async fn program_scope(
    state: &AppState,
    scope: &halles_store::TenantScope,
    id: i64,
) -> Result<ProgramScope, ApiError> {
    Ok(state.store.program_access(scope, ProgramId(id)).await?)
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

/// An amount of a schedule: per participant type and product group, per load.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiAmount {
    /// Participant type.
    pub participant_type_id: i64,
    /// Product group.
    pub product_group_id: i64,
    /// Cents per load, at most 10,000,000 ($100,000).
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub amount_cents: i64,
}

/// An allocation schedule.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiSchedule {
    /// Id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// Name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// First day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: String,
    /// Last day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: String,
    /// `first_of_month`, `fifteenth`, `first_and_fifteenth` or `weekly` (Mondays).
    #[schema(schema_with = crate::api::schemas::moment)]
    pub moment: String,
    /// Maximum loads per participant.
    #[schema(minimum = 1)]
    pub max_loads: u32,
    /// Unspent funds stay when the next load comes.
    #[serde(default = "yes")]
    pub carry_over: bool,
    /// A load only comes if the card was used since the previous one.
    #[serde(default)]
    pub usage_based: bool,
    /// Funds expire on this date (included)...
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub expires_on: Option<String>,
    /// ...or this many days after they were loaded...
    #[serde(default)]
    #[schema(minimum = 1, maximum = 65535)]
    pub expires_after_days: Option<u16>,
    /// ...or this many days from the first purchase paid with them. None of the three: they
    /// do not expire.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 65535)]
    pub expires_after_first_use_days: Option<u16>,
    /// Amounts per load.
    pub amounts: Vec<ApiAmount>,
    /// Archived (ignored on input).
    #[serde(default)]
    pub archived: bool,
}

fn yes() -> bool {
    true
}

impl From<Schedule> for ApiSchedule {
    fn from(s: Schedule) -> Self {
        let (expires_on, expires_after_days, expires_after_first_use_days) = match s.expiry {
            Expiry::Never => (None, None, None),
            Expiry::OnDate { date } => (Some(date.to_string()), None, None),
            Expiry::AfterDays { days } => (None, Some(days), None),
            Expiry::AfterFirstUse { days } => (None, None, Some(days)),
        };
        ApiSchedule {
            id: s.id.0,
            name: s.name,
            starts_on: s.starts_on.to_string(),
            ends_on: s.ends_on.to_string(),
            moment: s.moment.code().into(),
            max_loads: s.max_loads,
            carry_over: s.carry_over,
            usage_based: s.usage_based,
            expires_on,
            expires_after_days,
            expires_after_first_use_days,
            amounts: s
                .amounts
                .into_iter()
                .map(|(t, g, c)| ApiAmount {
                    participant_type_id: t.0,
                    product_group_id: g.0,
                    amount_cents: c.0,
                })
                .collect(),
            archived: s.archived,
        }
    }
}

/// The allocation schedules of a program.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/allocation-schedules", tag = "coupons",
    params(("org" = i64, Path, description = "The caller's organization"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, body = [ApiSchedule]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn schedules(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiSchedule>>, ApiError> {
    let p = program_scope(&state, &a.scope, path.1).await?;
    let list = state.store.schedules(p.id()).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Creates an allocation schedule (the program's operator).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/allocation-schedules", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiSchedule,
    responses((status = 201, body = ApiSchedule), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn create_schedule(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiSchedule>,
) -> Result<Response, ApiError> {
    let moment: LoadMoment = body
        .moment
        .parse()
        .map_err(|_| field("moment", "choice_invalid"))?;
    let expiry = match (
        &body.expires_on,
        body.expires_after_days,
        body.expires_after_first_use_days,
    ) {
        (Some(d), _, _) => Expiry::OnDate {
            date: date_field("expires_on", d)?,
        },
        (None, Some(days), _) => Expiry::AfterDays { days },
        (None, None, Some(days)) => Expiry::AfterFirstUse { days },
        (None, None, None) => Expiry::Never,
    };
    let input = ScheduleInput {
        name: body.name.clone(),
        starts_on: date_field("starts_on", &body.starts_on)?,
        ends_on: date_field("ends_on", &body.ends_on)?,
        moment,
        max_loads: body.max_loads,
        carry_over: body.carry_over,
        usage_based: body.usage_based,
        expiry,
        amounts: body
            .amounts
            .iter()
            .enumerate()
            .map(|(i, x)| {
                Ok((
                    ParticipantTypeId(x.participant_type_id),
                    ProductGroupId(x.product_group_id),
                    cents_field(
                        &format!("amounts[{i}].amount_cents"),
                        x.amount_cents,
                        Limit::Movement,
                    )?,
                ))
            })
            .collect::<Result<_, ApiError>>()?,
    };
    let id = state
        .store
        .create_schedule(&program_scope(&state, &a.scope, path.1).await?, &input)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::NameRequired) => field("name", "required"),
            StoreError::Refused(Refusal::EndsBeforeStart) => field("ends_on", "ends_before_start"),
            StoreError::Refused(Refusal::MaxLoads) => field("max_loads", "max_loads"),
            StoreError::Refused(Refusal::UnknownGroupOrType) => {
                field("amounts", "unknown_group_or_type")
            }
            other => other.into(),
        })?;
    let s = state.store.schedule(id).await?;
    Ok((StatusCode::CREATED, Json(ApiSchedule::from(s))).into_response())
}

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
        .await
        .map_err(refusal)?;
    Ok((StatusCode::CREATED, Json(ApiParticipant::from(p))).into_response())
}

/// Changes a participant: type, identifiers, contact details, notes and e-mailed receipts (the
/// consent fields are kept as recorded). A new type moves their envelope reservations, refused
/// beyond an envelope with `over_budget`.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}/participants/{pid}", tag = "coupons",
    params(("org" = i64, Path, description = "The partner organization or the operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "Participant id")),
    request_body = ApiParticipant,
    responses((status = 200, body = ApiParticipant), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn update_participant(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ApiParticipant>,
) -> Result<Json<ApiParticipant>, ApiError> {
    let input = participant_input(&body)?;
    let program = program_scope(&state, &a.scope, path.1).await?;
    let who = halles_core::ParticipantId(path.2);
    state
        .store
        .update_participant(&program, who, &input)
        .await
        .map_err(refusal)?;
    let p = state.store.participant(&program, who).await?;
    Ok(Json(ApiParticipant::from(p)))
}

/// A participant's number of loads in a schedule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMaxLoads {
    /// At least the loads already made, at most the schedule's maximum.
    #[schema(minimum = 1)]
    pub max_loads: u32,
}

/// Changes how many loads a participant receives from a schedule; their envelope reservation
/// follows (`max_loads`, `max_loads_above_schedule`, `max_loads_below_loaded`, `over_budget`).
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
    /// ...its last day...
    #[serde(default)]
    pub ends_on: String,
    /// ...when loads happen: `first_of_month`, `fifteenth`, `first_and_fifteenth` or `weekly`...
    #[serde(default)]
    pub moment: String,
    /// ...and the amount per load, per product group.
    #[serde(default)]
    pub amounts: Vec<ApiGroupAmount>,
}

/// The outcome of one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiImportOutcome {
    /// Position in `rows`, from 0.
    pub index: usize,
    /// The problem's code: `unknown_type`, `date_invalid`, `email_invalid`, `duplicate_id1`,
    /// `duplicate_id1_in_file` or `over_budget`; off the platform also `id1_required`,
    /// `ends_before_start`, `moment_invalid`, `amount_invalid` or `no_load_in_period`.
    pub problem: Option<String>,
    /// Off the platform: `created`, `updated` (new terms) or `unchanged`.
    pub action: Option<String>,
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
/// false, enrols them all in one transaction (a partner organization). Nothing is half-applied:
/// with any problem, `applied` is false and every row says why. At most 20,000 rows
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
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::ConsentRequired) => {
                field("consent_purpose", "consent_required")
            }
            other => other.into(),
        })?;
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
                action: r.action.map(str::to_owned),
                code: r.code,
            })
            .collect(),
    }))
}

/// A card.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCard {
    /// Id.
    pub id: i64,
    /// Program.
    pub program_id: i64,
    /// The 16-digit number.
    pub number: String,
    /// `unassigned`, `assigned`, `disabled`, `lost` or `gift`.
    pub status: String,
    /// Holder.
    pub participant_id: Option<i64>,
    /// Batch.
    pub batch_id: Option<i64>,
}

impl From<Card> for ApiCard {
    fn from(c: Card) -> Self {
        ApiCard {
            id: c.id.0,
            program_id: c.program.0,
            number: c.number.as_str().to_owned(),
            status: c.status.code().into(),
            participant_id: c.participant.map(|p| p.0),
            batch_id: c.batch.map(|b| b.0),
        }
    }
}

/// Card filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CardFilter {
    /// Only this status.
    #[serde(default)]
    #[param(schema_with = crate::api::schemas::card_status)]
    pub status: Option<String>,
}

/// The cards of a program the caller may see.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/cards", tag = "coupons",
    params(("org" = i64, Path, description = "Operator or partner"), ("id" = i64, Path, description = "Program id"), CardFilter),
    responses((status = 200, body = [ApiCard]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn cards(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(f): Query<CardFilter>,
) -> Result<Json<Vec<ApiCard>>, ApiError> {
    let status = match f.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<CardStatus>()
                .map_err(|_| field("status", "choice_invalid"))?,
        ),
    };
    let list = state
        .store
        .cards(
            &program_scope(&state, &a.scope, path.1).await?,
            status,
            None,
        )
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A batch to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBatch {
    /// How many cards (1 to 5000).
    #[schema(minimum = 1, maximum = 5000)]
    pub size: u32,
}

/// Creates a batch of unassigned cards (the operator).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/cards", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewBatch,
    responses((status = 201, body = [ApiCard]), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn create_cards(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewBatch>,
) -> Result<Response, ApiError> {
    let (_, cards) = state
        .store
        .create_card_batch(&program_scope(&state, &a.scope, path.1).await?, body.size)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::BatchSize) => field("size", "batch_size"),
            other => other.into(),
        })?;
    let out: Vec<ApiCard> = cards.into_iter().map(Into::into).collect();
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Unlocks a card's PIN locked after 5 wrong tries: the partner organization that holds the
/// card's participant, or the program's operator. Audited; a PIN that is not locked is left
/// as it is.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/cards/{cid}/pin-unlock", tag = "coupons",
    params(("org" = i64, Path, description = "The operator or the card's partner organization"), ("id" = i64, Path, description = "Program id"), ("cid" = i64, Path, description = "Card id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    responses((status = 204, description = "Unlocked"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn unlock_pin(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let card = state.store.program_card(&program, CardId(path.2)).await?;
    state.store.unlock_card_pin(&a.scope, card.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A balance in one product group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBalance {
    /// Product group.
    pub product_group_id: i64,
    /// Cents available.
    pub balance_cents: i64,
    /// When the next part expires (RFC 3339).
    pub next_expiry: Option<String>,
}

/// A card and its balances, as a register sees it (no identity).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCardBalance {
    /// Card id.
    pub card_id: i64,
    /// Program.
    pub program_id: i64,
    /// Number.
    pub number: String,
    /// Status.
    pub status: String,
    /// Balances per product group.
    pub balances: Vec<ApiBalance>,
}

/// A card to look up.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CardQuery {
    /// The typed number or the scanned QR value.
    #[param(min_length = 1, pattern = r"\S")]
    pub card: String,
}

/// Looks up a card by number or QR value and returns its balances (a market of its program).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/cards/lookup", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), CardQuery),
    responses((status = 200, body = ApiCardBalance), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn card_lookup(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    Query(q): Query<CardQuery>,
) -> Result<Json<ApiCardBalance>, ApiError> {
    let card = state.store.find_card(&a.scope, &lookup(&q.card)?).await?;
    let balances = state.store.card_balances(card.id).await?;
    Ok(Json(ApiCardBalance {
        card_id: card.id.0,
        program_id: card.program.0,
        number: card.number.as_str().to_owned(),
        status: card.status.code().into(),
        balances: balances
            .into_iter()
            .map(|b| ApiBalance {
                product_group_id: b.group.0,
                balance_cents: b.balance.0,
                next_expiry: b.next_expiry.map(|t| t.to_string()),
            })
            .collect(),
    }))
}

/// An amount per product group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiGroupAmount {
    /// Product group.
    pub product_group_id: i64,
    /// Cents, at most 10,000,000 ($100,000) a line (`amount_too_large`).
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// Cents refunded since (ignored on input).
    #[serde(default)]
    pub refunded_cents: i64,
}

/// A redemption to make. The card is proven by what only its holder has: its typed number or
/// its scanned QR value (and its PIN where the program asks for one), never an internal id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRedemption {
    /// The card: its 16-digit number as typed, or its scanned QR value (the `…/c/<token>` link
    /// or the bare token).
    #[serde(default)]
    pub card: Option<String>,
    /// No longer accepted: a card's internal id proves nothing; sending it answers 422
    /// `card_proof_required`.
    #[serde(default)]
    #[schema(ignore)]
    pub card_id: Option<serde_json::Value>,
    /// The register.
    #[serde(default)]
    pub register_id: Option<i64>,
    /// Amount per product group.
    pub lines: Vec<ApiGroupAmount>,
    /// The card's 4-digit PIN, when its program asks for one (`pin_required`, `pin_wrong` and
    /// `pin_not_set` answer 409 otherwise; after 5 wrong PINs in a row, `pin_locked` until the
    /// card's partner organization or the program's operator unlocks it).
    #[serde(default)]
    pub pin: Option<String>,
}

/// A redemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRedemption {
    /// Id.
    pub id: i64,
    /// Program.
    pub program_id: i64,
    /// Card.
    pub card_id: i64,
    /// Market.
    pub market_id: i64,
    /// Register.
    pub register_id: Option<i64>,
    /// Total paid.
    pub total_cents: i64,
    /// Total refunded.
    pub refunded_cents: i64,
    /// Per group.
    pub lines: Vec<ApiGroupAmount>,
    /// When (RFC 3339).
    pub at: String,
}

impl From<Redemption> for ApiRedemption {
    fn from(r: Redemption) -> Self {
        ApiRedemption {
            id: r.id.0,
            program_id: r.program.0,
            card_id: r.card.0,
            market_id: r.market.0,
            register_id: r.register.map(|x| x.0),
            total_cents: r.total.0,
            refunded_cents: r.refunded.0,
            lines: r
                .lines
                .into_iter()
                .map(|l| ApiGroupAmount {
                    product_group_id: l.group.0,
                    amount_cents: l.amount.0,
                    refunded_cents: l.refunded.0,
                })
                .collect(),
            at: r.at.to_string(),
        }
    }
}

/// Redeems funds on a card at the caller's market: every line or nothing. Beyond the balance
/// answers `validation_failed` with `insufficient_funds` on the line; a disabled, lost or
/// unassigned card answers 409 `card_disabled`, `card_lost` or `card_unassigned`, and a card
/// whose partner organization does not send its participants to this market
/// `card_other_market`. Send an `Idempotency-Key` so a retried request never spends twice: the
/// key is kept in the sale's own transaction; a refused redemption does not use it up.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/redemptions", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewRedemption,
    responses((status = 201, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn redeem(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let key = headers
        .get(crate::api::idempotency::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 255) {
        return Err(field("Idempotency-Key", "idempotency_key_invalid"));
    }
    let body_json: NewRedemption = crate::api::json::from_bytes(&headers, &body)?;
    if body_json.card_id.is_some() {
        return Err(field("card_id", "card_proof_required"));
    }
    let card = match body_json.card.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => lookup(c)?,
        _ => return Err(field("card", "required")),
    };
    let input = RedemptionInput {
        card,
        register: body_json.register_id.map(RegisterId),
        lines: bounded_lines(&body_json.lines)?,
        pin: body_json.pin.clone(),
    };
    let hash = crate::api::idempotency::request_hash("POST", uri.path(), &body);
    let once = match (key, a.scope.actor.token) {
        (Some(key), Some(token)) => Some(halles_store::coupons::Once {
            token,
            key,
            request_hash: hash,
            respond: redemption_json,
        }),
        _ => None,
    };
    let done = state
        .store
        .redeem_once(&a.scope, &input, once)
        .await
        .map_err(refusal)?;
    let r = match done {
        halles_store::coupons::Redeemed::Done(r) => r,
        halles_store::coupons::Redeemed::Replay(Claim::Replay {
            status,
            content_type,
            body,
        }) => return Ok(crate::api::idempotency::replay(status, &content_type, body)),
        halles_store::coupons::Redeemed::Replay(Claim::Mismatch) => {
            return Err(ApiError::IdempotencyKeyReused);
        }
        halles_store::coupons::Redeemed::Replay(_) => {
            return Err(ApiError::IdempotencyKeyInProgress);
        }
    };
    // The receipt e-mail is a courtesy: a failure to queue it never undoes the sale.
    if let Err(e) = crate::mail::redemption_receipt(&state.store, &state.config.base_url, &r).await
    {
        tracing::warn!(error = %e, "could not queue a receipt");
    }
    let body = redemption_json(&r);
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// The JSON body of a redemption, as answered and as kept with its idempotency key.
fn redemption_json(r: &halles_store::coupons::Redemption) -> String {
    serde_json::to_string(&ApiRedemption::from(r.clone())).unwrap_or_default()
}

/// One redemption (its market or the program's operator).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/redemptions/{id}", tag = "coupons",
    params(("org" = i64, Path, description = "Market or operator"), ("id" = i64, Path, description = "Redemption id")),
    responses((status = 200, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn redemption(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiRedemption>, ApiError> {
    let r = state
        .store
        .redemption(&a.scope, RedemptionId(path.1))
        .await?;
    Ok(Json(r.into()))
}

/// Lines of a redemption or a refund, each within its maximum (`lines[i].amount_cents`).
fn bounded_lines(lines: &[ApiGroupAmount]) -> Result<Vec<(ProductGroupId, Cents)>, ApiError> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let amount = cents_field(
                &format!("lines[{i}].amount_cents"),
                l.amount_cents,
                Limit::Movement,
            )?;
            Ok((ProductGroupId(l.product_group_id), amount))
        })
        .collect()
}

/// A refund to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRefund {
    /// Amount per product group, at most what was paid and not refunded yet.
    pub lines: Vec<ApiGroupAmount>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Refunds part or all of a redemption: the funds go back to the card, to the loads they came
/// from. More than was paid answers 409 `refund_exceeds_payment`; only the market that made the
/// sale refunds it (the program's operator gets 409 `refund_selling_market_only`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/redemptions/{id}/refunds", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("id" = i64, Path, description = "Redemption id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewRefund,
    responses((status = 201, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn refund(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewRefund>,
) -> Result<Response, ApiError> {
    let lines = bounded_lines(&body.lines)?;
    let id = RedemptionId(path.1);
    state
        .store
        .refund(&a.scope, id, &lines, &body.reason)
        .await
        .map_err(refusal)?;
    let r = state.store.redemption(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiRedemption::from(r))).into_response())
}

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
    let day =
        |name: &'static str, v: &Option<String>| -> Result<Option<jiff::civil::Date>, ApiError> {
            match v.as_deref() {
                None | Some("") => Ok(None),
                Some(s) => date_field(name, s).map(Some),
            }
        };
    let kind = match f.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(
            k.parse::<halles_core::coupons::EntryKind>()
                .map_err(|_| field("kind", "choice_invalid"))?,
        ),
    };
    let limit = q.limit();
    let filter = halles_store::coupons::TransactionFilter {
        from: day("from", &f.from)?.map(halles_core::coupons::start_of),
        until: day("to", &f.to)?
            .and_then(|d| d.tomorrow().ok())
            .map(halles_core::coupons::start_of),
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
        .transactions(&a.scope, ProgramId(path.1), &filter, limit + 1)
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
