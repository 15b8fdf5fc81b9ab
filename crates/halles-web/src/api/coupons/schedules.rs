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
use halles_core::{ParticipantTypeId, ProductGroupId};
use halles_store::coupons::{Schedule, ScheduleInput};
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
