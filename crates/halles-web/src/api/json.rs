//! A JSON body extractor whose failures are problem details.

use super::problem::ApiError;
use axum::extract::{FromRequest, Request};
use halles_core::validation::{FieldError, is_clean_text};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// A JSON request body; a malformed one answers `malformed_body`, and a text holding NUL,
/// control or text-direction characters in a field the body type reads answers
/// `validation_failed` with `invalid_characters` on that field.
///
/// A number with a zero fraction (`12.0`) is an integer in JSON Schema, so it is read as one
/// wherever an integer is expected; `12.5` is still refused there.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rejection) => return Err(ApiError::MalformedBody(rejection.body_text())),
        };
        read_value(value).map(ApiJson)
    }
}

/// Reads a JSON body kept as raw bytes (by the handlers that hash it for their idempotency
/// key), with the same rules as [`ApiJson`]: a JSON content type, integral floats as integers,
/// unread fields ignored, text in read fields clean.
pub fn from_bytes<T: DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    raw: &[u8],
) -> Result<T, ApiError> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| {
            let c = c.trim();
            c == "application/json" || c.ends_with("+json")
        });
    if !json {
        return Err(ApiError::MalformedBody(
            "Expected request with `Content-Type: application/json`".into(),
        ));
    }
    let axum::Json(value) = axum::Json::<Value>::from_bytes(raw)
        .map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))?;
    read_value(value)
}

/// Deserializes a parsed body: see [`ApiJson`].
fn read_value<T: DeserializeOwned>(mut value: Value) -> Result<T, ApiError> {
    integral_floats(&mut value);
    // Fields the body type does not read are ignored, whatever they hold.
    let mut ignored = Vec::new();
    let parsed: T = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        value.clone(),
        &mut |path: serde_ignored::Path| ignored.push(segments(&path)),
    ))
    .map_err(|e| {
        ApiError::MalformedBody(format!(
            "Failed to deserialize the JSON body into the target type: {e}"
        ))
    })?;
    let mut bad = Vec::new();
    unclean_fields(&value, &mut Vec::new(), &mut bad);
    // Paths are compared as segments: a key may be empty or hold a dot.
    bad.retain(|f| !ignored.iter().any(|i| f.starts_with(i)));
    if !bad.is_empty() {
        return Err(ApiError::Validation(
            bad.into_iter()
                .map(|path| FieldError {
                    field: path.join("."),
                    code: "invalid_characters",
                })
                .collect(),
        ));
    }
    Ok(parsed)
}

/// Turns every float with a zero fraction that fits an `i64` into that integer.
fn integral_floats(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *n = Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats),
        _ => {}
    }
}

/// The path of a field serde did not read, as segments (keys and indexes).
fn segments(path: &serde_ignored::Path) -> Vec<String> {
    use serde_ignored::Path;
    match path {
        Path::Root => Vec::new(),
        Path::Seq { parent, index } => {
            let mut v = segments(parent);
            v.push(index.to_string());
            v
        }
        Path::Map { parent, key } => {
            let mut v = segments(parent);
            v.push(key.clone());
            v
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    }
}

/// The fields (paths as segments, such as `lines`, `0`, `note`) whose text is not clean.
fn unclean_fields(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::String(s) if !is_clean_text(s) => out.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                unclean_fields(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(k.clone());
                unclean_fields(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The pattern of a free-text string in the OpenAPI document: no NUL or other control
/// character (tab and line breaks aside) and no text-direction control, as [`ApiJson`] checks.
pub const CLEAN_TEXT_PATTERN: &str = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";

/// Documents [`CLEAN_TEXT_PATTERN`] on every free-text string of the schemas (one without a
/// format, a pattern or a list of values), so the document says what bodies are refused.
pub struct CleanText;

impl utoipa::Modify for CleanText {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            for schema in c.schemas.values_mut() {
                clean_text_in(schema);
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                if let Some(body) = op.request_body.as_mut() {
                    for content in body.content.values_mut() {
                        if let Some(schema) = content.schema.as_mut() {
                            clean_text_in(schema);
                        }
                    }
                }
            }
        }
    }
}

fn clean_text_in(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            let is_string = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if is_string && o.format.is_none() && o.pattern.is_none() && o.enum_values.is_none() {
                o.pattern = Some(CLEAN_TEXT_PATTERN.to_owned());
            }
            for p in o.properties.values_mut() {
                clean_text_in(p);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                clean_text_in(items);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(clean_text_in),
        Schema::AllOf(x) => x.items.iter_mut().for_each(clean_text_in),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(clean_text_in),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_become_integers_and_others_stay() {
        let mut v = serde_json::json!({"a": 12.0, "b": [-301.0, 2.5], "c": 1e300, "d": "3.0"});
        integral_floats(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 12, "b": [-301, 2.5], "c": 1e300, "d": "3.0"})
        );
    }

    /// Text in fields the body type does not read is ignored, even under an empty key or a
    /// key holding a dot (schemathesis found `{"": {"a.b": "\u{1}"}}` refused); text in a field
    /// it reads is checked.
    #[tokio::test]
    async fn unread_fields_are_not_checked_whatever_their_keys() {
        #[derive(serde::Deserialize)]
        struct Body {
            #[allow(dead_code)]
            name: String,
        }
        let read = |body: serde_json::Value| async move {
            let req = axum::http::Request::builder()
                .method("POST")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            ApiJson::<Body>::from_request(req, &()).await.map(|_| ())
        };
        let ignored = serde_json::json!({"name": "ok", "": {"a.b": "\u{1}", "": ["\u{202e}"]}});
        assert!(read(ignored).await.is_ok());
        match read(serde_json::json!({"name": "bad\u{0}", "": "x"})).await {
            Err(ApiError::Validation(f)) => {
                assert_eq!(f.len(), 1);
                assert_eq!(f[0].field, "name");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
