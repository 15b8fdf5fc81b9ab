//! The one error shape of the API: RFC 9457 problem details with a stable `code`, a message in
//! the caller's language, and per-field errors.

use crate::i18n::I18n;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use halles_core::accounts::Lang;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::quantity::Qty;
use halles_core::refusals::{Refusal, RefusalKind};
use halles_core::validation::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way an API call can fail. Each maps to one status and one stable code.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No token, or an unknown, revoked or expired one.
    Unauthorized,
    /// The token lacks a scope.
    InsufficientScope(&'static str),
    /// Nothing with this id in the caller's organization.
    NotFound,
    /// The body is not the JSON expected.
    MalformedBody(String),
    /// Fields failed validation.
    Validation(Vec<FieldError>),
    /// Order lines ask for more than is left: a `validation_failed` problem with one entry
    /// per short line, naming its product and what is left.
    Shortage(Vec<halles_store::hub::orders::ShortLine>),
    /// A rule refused the change (stable code from the store).
    Refused(Refusal),
    /// The idempotency key was used with another body.
    IdempotencyKeyReused,
    /// The first request with this idempotency key is still running.
    IdempotencyKeyInProgress,
    /// The pagination cursor cannot be read.
    InvalidCursor,
    /// The caller's kind of organization does not do this (403, stable code).
    Forbidden(&'static str),
    /// A refusal made before any handler ran (an unreadable path or query, a body too large,
    /// a server too busy): its status and stable code.
    Status(StatusCode, &'static str),
    /// An unexpected failure (logged).
    Internal,
}

impl ApiError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::InsufficientScope(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MalformedBody(_) | ApiError::InvalidCursor => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::Shortage(_) | ApiError::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Refused(r) => match r.kind() {
                // An amount beyond its maximum (`halles_core::limits`) refused by the store.
                RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                RefusalKind::Forbidden => StatusCode::FORBIDDEN,
                RefusalKind::Rule => StatusCode::CONFLICT,
            },
            ApiError::IdempotencyKeyInProgress => StatusCode::CONFLICT,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Status(s, _) => *s,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::NotFound => "not_found",
            ApiError::MalformedBody(_) => "malformed_body",
            ApiError::Validation(_) | ApiError::Shortage(_) => "validation_failed",
            ApiError::Refused(r) => r.code(),
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyKeyInProgress => "idempotency_key_in_progress",
            ApiError::InvalidCursor => "invalid_cursor",
            ApiError::Forbidden(c) | ApiError::Status(_, c) => c,
            ApiError::Internal => "internal",
        }
    }

    /// The problem document in a language.
    pub fn to_problem(&self, lang: Lang) -> Problem {
        let i18n = I18n::new(lang);
        let code = self.code();
        let detail = match self {
            ApiError::InsufficientScope(s) => {
                i18n.ta("problem-insufficient_scope", &[("scope", (*s).to_owned())])
            }
            ApiError::MalformedBody(why) => {
                // The parser's message may quote what was sent: its control and direction
                // characters are shown as U+FFFD, so the detail stays clean text.
                let why: String = why
                    .chars()
                    .map(|c| {
                        if halles_core::validation::is_unclean_char(c) {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect();
                format!("{} ({why})", i18n.t("problem-malformed_body"))
            }
            _ => {
                let key = format!("problem-{code}");
                if i18n.has(&key) {
                    i18n.t(&key)
                } else {
                    i18n.t(&format!("err-{code}"))
                }
            }
        };
        let errors = match self {
            ApiError::Validation(fields) => fields
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    code: f.code.to_owned(),
                    message: i18n.t(&format!("err-{}", f.code)),
                    product_name: None,
                    left: None,
                    unit: None,
                })
                .collect(),
            ApiError::Shortage(lines) => lines
                .iter()
                .map(|l| FieldProblem {
                    field: halles_store::hub::orders::line_field(l.product.id),
                    code: "shortage".to_owned(),
                    message: i18n.shortage(l),
                    product_name: Some(l.product.name(lang).to_owned()),
                    left: Some(l.left.plain()),
                    unit: Some(l.product.unit.code().to_owned()),
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("/api/docs#problem-{code}"),
            title: i18n.t(&format!("problem-title-{}", self.status().as_u16())),
            status: self.status().as_u16(),
            detail,
            code: code.to_owned(),
            errors,
        }
    }

    /// The response in a language.
    pub fn into_problem(self, lang: Lang) -> Response {
        let status = self.status();
        let body = serde_json::to_string(&self.to_problem(lang)).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from_static(crate::errors::RETRY_AFTER_SECS),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static("Bearer realm=\"halles\""),
            );
        }
        res
    }
}

/// Carries an error to [`localize`], which renders it in the caller's language.
#[derive(Debug, Clone)]
struct Unrendered(ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self, ApiError::Internal) {
            tracing::error!("API request failed");
        }
        let mut res = self.clone().into_problem(Lang::Fr);
        res.extensions_mut().insert(Unrendered(self));
        res
    }
}

impl From<halles_store::StoreError> for ApiError {
    fn from(e: halles_store::StoreError) -> Self {
        match e {
            halles_store::StoreError::NotFound => ApiError::NotFound,
            halles_store::StoreError::Refused(r) => ApiError::Refused(r),
            halles_store::StoreError::Invalid(fields) => ApiError::Validation(fields),
            halles_store::StoreError::Shortage(lines) => ApiError::Shortage(lines),
            halles_store::StoreError::Busy => {
                ApiError::Status(StatusCode::SERVICE_UNAVAILABLE, "busy")
            }
            other => {
                tracing::error!(error = %other, "store failure in API");
                ApiError::Internal
            }
        }
    }
}

/// A validation problem on one field, with its stable code.
pub fn field(field: &str, code: &'static str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code)])
}

/// An amount of a request field within its maximum ([`halles_core::limits`]): negative
/// amounts refused (`negative_amount`), too large ones `amount_too_large`/`budget_too_large`.
pub fn cents_field(name: &str, cents: i64, limit: Limit) -> Result<Cents, ApiError> {
    Cents(cents)
        .within(limit)
        .map_err(|e| field(name, e.code()))
}

/// A quantity of a request field (a decimal string) within [`halles_core::limits::MAX_QTY`].
pub fn qty_field(name: &str, typed: &str) -> Result<Qty, ApiError> {
    Qty::parse_within(typed).map_err(|e| field(name, e.code_or("qty_invalid")))
}

/// An ISO date (`YYYY-MM-DD`) of a request field, or a `date_invalid` problem on it.
pub fn date_field(name: &str, s: &str) -> Result<jiff::civil::Date, ApiError> {
    s.parse().map_err(|_| field(name, "date_invalid"))
}

/// The language of an API caller: `Accept-Language`, French by default.
pub fn caller_lang(headers: &HeaderMap) -> Lang {
    headers
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Renders problem details in the caller's language (one place for every API error).
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = caller_lang(req.headers());
    let res = next.run(req).await;
    match res.extensions().get::<Unrendered>() {
        Some(Unrendered(e)) if lang != Lang::Fr => e.clone().into_problem(lang),
        _ => res,
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type (documented at /api/docs).
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the status, in the caller's language.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, in the caller's language.
    pub detail: String,
    /// A stable machine code, such as `not_found` or `validation_failed`.
    pub code: String,
    /// Per-field errors, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One field that failed validation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as named in the request body.
    pub field: String,
    /// A stable code such as `required` or `email_invalid`.
    pub code: String,
    /// What to fix, in the caller's language.
    pub message: String,
    /// For a `shortage` on an order line: the product's name in the caller's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// For a `shortage` on an order line: the quantity left to order, in the sale unit ("3",
    /// "2.5"; "0" when nothing is left).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<String>,
    /// For a `shortage` on an order line: the sale unit of `left` (`kg`, `lb`, `each`,
    /// `bunch`, `case`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// Every problem the API can answer, for its documentation: the API's own, then every
/// refusal of [`Refusal::ALL`], so the documented codes are exactly the codes answered.
pub fn every_problem() -> Vec<ApiError> {
    let own = [
        ApiError::Unauthorized,
        ApiError::InsufficientScope("org:read"),
        ApiError::NotFound,
        ApiError::MalformedBody("…".into()),
        ApiError::Validation(Vec::new()),
        ApiError::IdempotencyKeyReused,
        ApiError::IdempotencyKeyInProgress,
        ApiError::InvalidCursor,
        ApiError::Status(StatusCode::BAD_REQUEST, "bad_request"),
        ApiError::Status(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        ApiError::Status(StatusCode::SERVICE_UNAVAILABLE, "busy"),
        ApiError::Internal,
    ];
    let own_codes: Vec<&str> = own.iter().map(ApiError::code).collect();
    let refusals = Refusal::ALL
        .iter()
        .filter(|r| !own_codes.contains(&r.code()))
        .map(|r| ApiError::Refused(*r));
    own.into_iter().chain(refusals).collect()
}
