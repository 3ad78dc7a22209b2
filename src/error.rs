//! Every error leaves shipgate as RFC 9457 `application/problem+json` with a
//! stable `code`. Handlers return `ApiError`; nothing else reaches the client.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::CarrierKind;

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://shipgate.dev/problems/";

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, e.g. `parcels[0].weight`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// What a carrier said when it refused or failed a call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CarrierProblem {
    pub carrier: CarrierKind,
    /// The carrier's own error code (e.g. `resource_not_created`, `-4`, `422`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The carrier's own message, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// HTTP status the carrier answered with, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

/// The problem document (RFC 9457) every error response carries.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://shipgate.dev/problems/invalid_body",
    "title": "Invalid request body",
    "status": 422,
    "detail": "parcels[0].weight: invalid type: string \"heavy\", expected a decimal",
    "code": "invalid_body"
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_url: String,
    pub title: Cow<'static, str>,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable error code.
    pub code: Cow<'static, str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<CarrierProblem>,
    /// Seconds to wait before retrying, mirrored from the Retry-After header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Extra, code-specific members (e.g. the state of a circuit breaker).
    #[serde(flatten, skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub title: Cow<'static, str>,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub carrier: Option<CarrierProblem>,
    pub retry_after: Option<u64>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        title: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code: code.into(),
            title: title.into(),
            detail: detail.into(),
            errors: Vec::new(),
            carrier: None,
            retry_after: None,
            extra: serde_json::Map::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_carrier(mut self, carrier: CarrierProblem) -> Self {
        self.carrier = Some(carrier);
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_extra(mut self, key: &str, value: serde_json::Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    /// 422 for a request that parsed but breaks a rule, listing each bad field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Validation failed", detail)
            .with_errors(errors)
    }

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, message)])
    }

    /// 404 for an unknown id, or one that belongs to another tenant.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found", format!("no {kind} with id `{id}`"))
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }

    pub fn unsupported_by_carrier(carrier: CarrierKind, operation: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported_by_carrier",
            "Not supported by this carrier",
            format!("{} does not support {operation}", carrier.display_name()),
        )
        .with_carrier(CarrierProblem { carrier, code: None, message: None, http_status: None })
    }

    pub fn service_unavailable(code: &'static str, detail: impl Into<String>, retry_after: u64) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, "Service unavailable", detail).with_retry_after(retry_after)
    }

    /// A bug or an unexpected failure: logged with its cause, reported without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "an unexpected error occurred; it has been logged with this request's x-request-id",
        )
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_url: format!("{TYPE_BASE}{}", self.code),
            title: self.title.clone(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.clone(),
            errors: self.errors.clone(),
            carrier: self.carrier.clone(),
            retry_after: self.retry_after,
            extra: self.extra.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Database failures: bugs (bad SQL, decoding) are 500s; everything else
/// means the database is unreachable or unhealthy, a 503 the client may retry.
impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &err {
            E::Database(_)
            | E::RowNotFound
            | E::ColumnNotFound(_)
            | E::ColumnIndexOutOfBounds { .. }
            | E::ColumnDecode { .. }
            | E::Decode(_)
            | E::Encode(_)
            | E::TypeNotFound { .. }
            | E::Configuration(_) => ApiError::internal(err),
            _ => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::service_unavailable("database_unavailable", "the database is unreachable; retry shortly", 5)
            }
        }
    }
}
