//! A JSON body extractor whose failures are problem details.

use super::problem::ApiError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// A JSON request body; a malformed one answers `malformed_body`.
///
/// A number with a zero fraction (`12.0`) is an integer in JSON Schema, so it is read as one
/// wherever an integer is expected; `12.5` is still refused there.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut value = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rejection) => return Err(ApiError::MalformedBody(rejection.body_text())),
        };
        integral_floats(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                ApiError::MalformedBody(format!(
                    "Failed to deserialize the JSON body into the target type: {e}"
                ))
            })
    }
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
}
