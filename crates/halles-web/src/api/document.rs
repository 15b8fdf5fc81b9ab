//! What the OpenAPI document says of every operation, added in one place so that it lists every
//! status the API really answers and every bound it really enforces (checked by schemathesis in
//! CI): the problem answers, the `Idempotency-Key` header of every POST, and the range of integer
//! path and query values (ids are 1 to 2^63 − 1; a value out of `i64` cannot be read and answers
//! `400`).
//!
//! The rules follow the layers a request crosses: the token (`401`, `403`), the path and query
//! extractors (`400` when a value cannot be read, `404` when an id is not the caller's, `422` a
//! query value refused), the body extractor (`400` malformed JSON, `413` too large, `415` not
//! JSON, `422` failed validation), and
//! the idempotency middleware on POST (`409` still running, `422` key reused with another body).

use utoipa::Number;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

/// `(status, description)` of a problem answer.
type Answer = (&'static str, &'static str);

const UNAUTHORIZED: Answer = (
    "401",
    "No token, or an unknown, revoked or expired one (`unauthorized`).",
);
const FORBIDDEN: Answer = (
    "403",
    "The token lacks the scope, or the organization's kind or role does not allow this (`insufficient_scope`, `forbidden`, `wrong_kind`).",
);
const BAD_REQUEST: Answer = (
    "400",
    "A path, query or body value cannot be read (`malformed_body`, `invalid_cursor`).",
);
const NOT_FOUND: Answer = (
    "404",
    "Nothing with this id in the caller's organization (`not_found`).",
);
const TOO_LARGE: Answer = ("413", "The body is larger than the API accepts.");
const UNSUPPORTED: Answer = ("415", "The body is not `application/json`.");
const INVALID: Answer = (
    "422",
    "Fields failed validation (`validation_failed`, with per-field `errors`), or the idempotency key was used with another body (`idempotency_key_reused`).",
);
const IN_PROGRESS: Answer = (
    "409",
    "A rule refused the change, or the first request with this idempotency key is still running.",
);

/// Adds the problem answers an operation can give and does not list yet.
fn complete(op: &mut Operation, method_has_idempotency: bool) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_body = op.request_body.is_some();

    let mut answers = vec![UNAUTHORIZED, FORBIDDEN];
    if has_path || has_query || has_body {
        answers.push(BAD_REQUEST);
    }
    if has_path {
        answers.push(NOT_FOUND);
    }
    if has_body {
        answers.extend([TOO_LARGE, UNSUPPORTED]);
    }
    if has_body || has_query || method_has_idempotency {
        answers.push(INVALID);
    }
    if method_has_idempotency {
        answers.push(IN_PROGRESS);
    }
    for (status, description) in answers {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem(description)));
    }
}

/// Every POST honours `Idempotency-Key` (the `api::idempotency` middleware): says so where the
/// operation does not.
fn idempotency_header(op: &mut Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    if params.iter().any(|p| p.name == "Idempotency-Key") {
        return;
    }
    params.push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some("A repeat returns the first response"))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    );
}

/// A problem-details answer.
fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            super::problem::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Bounds integer path and query values to what the server reads (`i64`; path ids from 1).
fn bound_integers(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        let in_path = matches!(p.parameter_in, ParameterIn::Path);
        if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut()
            && matches!(o.schema_type, SchemaType::Type(Type::Integer))
        {
            if o.minimum.is_none() {
                o.minimum = Some(Number::Int(if in_path { 1 } else { isize::MIN }));
            }
            if o.maximum.is_none() {
                o.maximum = Some(Number::Int(isize::MAX));
            }
        }
    }
}

/// What `halles_core::validation::is_clean_text` accepts: no control character but line
/// breaks and tabs, no invisible character that changes the direction of text.
const CLEAN_TEXT: &str =
    r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]*$";

/// Free-text string properties (no format, no code list) declare the characters the API
/// refuses in them; a non-blank one keeps saying it is non-blank.
fn clean_text(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::Object(o)) = schema else {
            continue;
        };
        for prop in o.properties.values_mut() {
            let RefOr::T(Schema::Object(p)) = prop else {
                continue;
            };
            let is_string = match &p.schema_type {
                SchemaType::Type(Type::String) => true,
                SchemaType::Array(types) => types.contains(&Type::String),
                _ => false,
            };
            if !is_string || p.format.is_some() || p.enum_values.is_some() {
                continue;
            }
            p.pattern = match p.pattern.as_deref() {
                None => Some(format!("^{CLEAN_TEXT}")),
                Some(r"\S") => Some(format!(r"^(?=[\s\S]*\S){CLEAN_TEXT}")),
                Some(_) => continue,
            };
        }
    }
}

/// The modifier applied to the document ([`super::openapi`]).
pub struct Completion;

impl utoipa::Modify for Completion {
    fn modify(&self, openapi: &mut OpenApi) {
        clean_text(openapi);
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                (&mut item.get, false),
                (&mut item.put, false),
                (&mut item.delete, false),
                (&mut item.patch, false),
                (&mut item.post, true),
            ];
            for (op, is_post) in ops {
                let Some(op) = op.as_mut() else { continue };
                complete(op, is_post);
                if is_post {
                    idempotency_header(op);
                }
                bound_integers(op);
            }
        }
    }
}
