//! A JSON body extractor whose failures are problem details.

use super::problem::ApiError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A JSON request body; a malformed one answers `malformed_body`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(ApiError::MalformedBody(rejection.body_text())),
        }
    }
}
