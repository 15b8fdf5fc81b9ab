//! A program's allocation schedules.

use super::{program_scope, yes};
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, cents_field, date_field, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::limits::Limit;
use halles_core::{ParticipantTypeId, ProductGroupId, ScheduleId};
use halles_store::coupons::{Schedule, ScheduleChange, ScheduleInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    let list = state.store.schedules(&p).await?;
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
        .await?;
    let s = state.store.schedule(id).await?;
    Ok((StatusCode::CREATED, Json(ApiSchedule::from(s))).into_response())
}

/// A schedule's expiry rule in a change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiExpiry {
    /// `never`, `on_date` (with `date`), `after_days` or `after_first_use` (with `days`).
    #[schema(pattern = r"^(never|on_date|after_days|after_first_use)$")]
    pub kind: String,
    /// The last usable day, for `on_date`.
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub date: Option<String>,
    /// The number of days, for `after_days` and `after_first_use`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 65535)]
    pub days: Option<u16>,
}

/// A change to a schedule: every field left out keeps its value (PATCH semantics). Without
/// `confirm` (or with `false`) nothing changes and the answer says what the change would do;
/// the same body with `"confirm": true` applies it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiScheduleChange {
    /// New name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    pub name: Option<String>,
    /// New first day: only before the schedule starts and before any load ran, today or later.
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: Option<String>,
    /// New last day: today or later (a longer season gives more loads up to the maximum).
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: Option<String>,
    /// New load moment; under way, it applies from tomorrow and the loads already made count
    /// against the maximum.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::moment)]
    pub moment: Option<String>,
    /// New maximum loads per participant (participants at the old maximum follow).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_loads: Option<u32>,
    /// New expiry rule for loads to come. On a carry-over schedule, moving an `on_date` expiry
    /// also moves the still-usable funds it loaded.
    #[serde(default)]
    pub expiry: Option<ApiExpiry>,
    /// New amounts per load (the whole list: an amount left out is removed), for loads to come.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub amounts: Option<Vec<ApiAmount>>,
    /// `true`: apply; otherwise only say what the change would do.
    #[serde(default)]
    pub confirm: bool,
}

/// An envelope too small for a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiShortEnvelope {
    /// The partner.
    pub partner_id: i64,
    /// Its name.
    pub partner_name: String,
    /// Cents missing.
    pub missing_cents: i64,
}

/// What a schedule change does (a preview) or did (applied).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiScheduleImpact {
    /// Whether it was applied.
    pub applied: bool,
    /// The fields that change.
    pub fields: Vec<String>,
    /// Participants enrolled.
    pub enrolled: u32,
    /// Participants whose loads to come change.
    pub participants: u32,
    /// Reserved for loads to come, before (cents).
    pub reserved_before_cents: i64,
    /// ...and after.
    pub reserved_after_cents: i64,
    /// Loads already made whose last usable day moves.
    pub lots_moved: u32,
    /// Cards holding them.
    pub cards_moved: u32,
    /// What is left on them (cents).
    pub cents_moved: i64,
    /// Envelopes too small: applying is refused (409 `over_budget`) while any is listed.
    pub short: Vec<ApiShortEnvelope>,
}

/// Changes an allocation schedule (the program's operator), in two steps: without `confirm`,
/// nothing changes and the answer says what the change would do for how many participants;
/// the same body with `"confirm": true` applies it, audited. Loads already made never change.
#[utoipa::path(patch, path = "/api/v1/organizations/{org}/programs/{id}/allocation-schedules/{sid}", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("sid" = i64, Path, description = "Schedule id")),
    request_body = ApiScheduleChange,
    responses((status = 200, body = ApiScheduleImpact), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn change_schedule(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ApiScheduleChange>,
) -> Result<Json<ApiScheduleImpact>, ApiError> {
    let date = |name: &str, v: &Option<String>| -> Result<Option<jiff::civil::Date>, ApiError> {
        v.as_deref().map(|d| date_field(name, d)).transpose()
    };
    let moment = match &body.moment {
        Some(m) => Some(
            m.parse::<LoadMoment>()
                .map_err(|_| field("moment", "choice_invalid"))?,
        ),
        None => None,
    };
    let expiry = match &body.expiry {
        None => None,
        Some(x) => Some(match (x.kind.as_str(), &x.date, x.days) {
            ("never", _, _) => Expiry::Never,
            ("on_date", Some(d), _) => Expiry::OnDate {
                date: date_field("expiry.date", d)?,
            },
            ("after_days", _, Some(days)) if days > 0 => Expiry::AfterDays { days },
            ("after_first_use", _, Some(days)) if days > 0 => Expiry::AfterFirstUse { days },
            ("on_date", None, _) => return Err(field("expiry.date", "required")),
            ("after_days" | "after_first_use", _, _) => {
                return Err(field("expiry.days", "required"));
            }
            _ => return Err(field("expiry.kind", "choice_invalid")),
        }),
    };
    let amounts = match &body.amounts {
        None => None,
        Some(list) => Some(
            list.iter()
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
                .collect::<Result<Vec<_>, ApiError>>()?,
        ),
    };
    let change = ScheduleChange {
        name: body.name.clone(),
        starts_on: date("starts_on", &body.starts_on)?,
        ends_on: date("ends_on", &body.ends_on)?,
        moment,
        max_loads: body.max_loads,
        expiry,
        amounts,
    };
    let p = program_scope(&state, &a.scope, path.1).await?;
    let i = state
        .store
        .change_schedule(&p, ScheduleId(path.2), &change, body.confirm)
        .await?;
    Ok(Json(ApiScheduleImpact {
        applied: i.applied,
        fields: i.fields.iter().map(|f| (*f).to_owned()).collect(),
        enrolled: i.enrolled,
        participants: i.participants,
        reserved_before_cents: i.reserved_before.0,
        reserved_after_cents: i.reserved_after.0,
        lots_moved: i.lots_moved,
        cards_moved: i.cards_moved,
        cents_moved: i.cents_moved.0,
        short: i
            .short
            .into_iter()
            .map(|s| ApiShortEnvelope {
                partner_id: s.partner.0,
                partner_name: s.partner_name,
                missing_cents: s.missing.0,
            })
            .collect(),
    }))
}
