//! Every failure an endpoint can answer, as a status and a JSON
//! [`ApiError`] body: never a panic and never an HTML page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use zhibu_core::sync::ApiError;

use crate::store::StoreError;

/// A failed request.
#[derive(Debug)]
pub enum Failure {
    /// 400: the request is not what the endpoint reads.
    BadRequest(String),
    /// 401: no token, an unknown, expired or revoked one, or wrong password.
    Unauthorized(&'static str),
    /// 403: the token may not do this.
    Forbidden(String),
    /// 404.
    NotFound(&'static str),
    /// 405: the path exists, not with this method.
    WrongMethod,
    /// 409: the request conflicts with the current state.
    Conflict(String),
    /// 408: the body did not arrive within this many seconds.
    SlowBody(u64),
    /// 413: body or batch too large.
    TooLarge(String),
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 422: well-formed, but a value is refused.
    Invalid(String),
    /// 429.
    RateLimited,
    /// 507: the branch's storage quota is full.
    StorageFull(String),
    /// 503: the database is unreachable.
    Unavailable(String),
}

impl Failure {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Failure::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Failure::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", (*m).to_owned()),
            Failure::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            Failure::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", (*m).to_owned()),
            Failure::WrongMethod => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not take that method".into())
            }
            Failure::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            Failure::SlowBody(secs) => {
                (StatusCode::REQUEST_TIMEOUT, "timeout", format!("the body did not arrive within {secs} s"))
            }
            Failure::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", m.clone()),
            Failure::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be sent as Content-Type: application/json".into(),
            ),
            Failure::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", m.clone()),
            Failure::RateLimited => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests; wait and try again".to_owned())
            }
            Failure::StorageFull(m) => (StatusCode::INSUFFICIENT_STORAGE, "storage_full", m.clone()),
            Failure::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", m.clone()),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(%message, "request failed: database unavailable");
        }
        let mut response = (status, Json(ApiError { error: code.to_owned(), message })).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            response.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("1"));
        }
        if status == StatusCode::REQUEST_TIMEOUT {
            // The rest of the body may still be on its way: never read it as a request.
            response.headers_mut().insert("connection", axum::http::HeaderValue::from_static("close"));
        }
        response
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Failure::Conflict("the branch changed meanwhile; try again".into()),
            StoreError::Taken => Failure::Conflict("already taken".into()),
            StoreError::Unavailable(why) => Failure::Unavailable(format!("database unavailable: {why}")),
        }
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, Failure>;
