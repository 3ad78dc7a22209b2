//! Carrier failures, typed once here and mapped once to a problem document.

use std::time::Duration;

use axum::http::StatusCode;

use crate::domain::CarrierKind;
use crate::error::{ApiError, CarrierProblem, FieldError};

/// What the carrier itself said (its code, message and HTTP status).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarrierSaid {
    pub code: Option<String>,
    pub message: Option<String>,
    pub http_status: Option<u16>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CarrierError {
    #[error("{carrier} does not support {operation}")]
    Unsupported { carrier: CarrierKind, operation: &'static str },

    /// The carrier refused the input (422 at our edge).
    #[error("{carrier} rejected the request: {}", said.message.as_deref().unwrap_or("no reason given"))]
    Rejected { carrier: CarrierKind, said: CarrierSaid, fields: Vec<FieldError> },

    /// The carrier does not know this order, parcel or tracking number.
    #[error("{carrier} does not know {what}")]
    NotFound { carrier: CarrierKind, what: String, said: CarrierSaid },

    /// The carrier refused a change by its business rules (e.g. too late to cancel).
    #[error("{carrier} refused: {}", said.message.as_deref().unwrap_or("no reason given"))]
    Refused { carrier: CarrierKind, said: CarrierSaid },

    /// The carrier refused our credentials.
    #[error("{carrier} refused the account credentials")]
    AuthFailed { carrier: CarrierKind, said: CarrierSaid },

    /// Something the carrier will have later (a label): ask again after a while.
    #[error("{carrier}: {what} is not ready yet")]
    NotReady { carrier: CarrierKind, what: &'static str, retry_after: Duration, said: CarrierSaid },

    /// Down, erroring or timing out; safe to retry later.
    #[error("{carrier} is unavailable: {reason}")]
    Unavailable { carrier: CarrierKind, reason: String, retry_after: Option<Duration>, said: CarrierSaid },

    /// Waiting for upstream budget would pass the call's deadline.
    #[error("{carrier} rate limit reached; retry in {} s", retry_after.as_secs())]
    RateLimited { carrier: CarrierKind, retry_after: Duration },

    /// The circuit breaker is open after repeated failures.
    #[error("{carrier} circuit is open after repeated failures")]
    CircuitOpen { carrier: CarrierKind, retry_after: Duration, state: &'static str },

    /// The carrier answered something we cannot read.
    #[error("{carrier} answered something unreadable: {reason}")]
    BadResponse { carrier: CarrierKind, reason: String, said: CarrierSaid },

    /// Our own storage failed while serving a carrier call (e.g. saving a
    /// session token): retryable, says nothing about the carrier.
    #[error("{carrier}: local storage failed: {reason}")]
    Storage { carrier: CarrierKind, reason: String },

    /// A create or change was sent but its answer never came: it may or may
    /// not have happened upstream. Never retried blindly; recovery decides.
    #[error("{carrier}: the outcome of {operation} is unknown: {reason}")]
    OutcomeUnknown { carrier: CarrierKind, operation: &'static str, reason: String },
}

impl CarrierError {
    pub fn carrier(&self) -> CarrierKind {
        match self {
            CarrierError::Unsupported { carrier, .. }
            | CarrierError::Rejected { carrier, .. }
            | CarrierError::NotFound { carrier, .. }
            | CarrierError::Refused { carrier, .. }
            | CarrierError::AuthFailed { carrier, .. }
            | CarrierError::NotReady { carrier, .. }
            | CarrierError::Unavailable { carrier, .. }
            | CarrierError::RateLimited { carrier, .. }
            | CarrierError::CircuitOpen { carrier, .. }
            | CarrierError::BadResponse { carrier, .. }
            | CarrierError::Storage { carrier, .. }
            | CarrierError::OutcomeUnknown { carrier, .. } => *carrier,
        }
    }

    pub fn bad_response(carrier: CarrierKind, reason: impl Into<String>) -> Self {
        CarrierError::BadResponse { carrier, reason: reason.into(), said: CarrierSaid::default() }
    }

    pub fn unsupported(carrier: CarrierKind, operation: &'static str) -> Self {
        CarrierError::Unsupported { carrier, operation }
    }

    /// Transient failures: worth trying again later (not for creates, whose
    /// retries go through recovery).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CarrierError::Unavailable { .. } | CarrierError::RateLimited { .. } | CarrierError::CircuitOpen { .. }
        )
    }

    fn said(&self) -> Option<&CarrierSaid> {
        match self {
            CarrierError::Rejected { said, .. }
            | CarrierError::NotFound { said, .. }
            | CarrierError::Refused { said, .. }
            | CarrierError::AuthFailed { said, .. }
            | CarrierError::NotReady { said, .. }
            | CarrierError::Unavailable { said, .. }
            | CarrierError::BadResponse { said, .. } => Some(said),
            _ => None,
        }
    }
}

fn seconds(d: Duration) -> u64 {
    d.as_secs_f64().ceil().max(1.0) as u64
}

impl From<CarrierError> for ApiError {
    fn from(err: CarrierError) -> Self {
        let carrier = err.carrier();
        let detail = err.to_string();
        let said = err.said().cloned().unwrap_or_default();
        let problem = CarrierProblem {
            carrier,
            code: said.code.clone(),
            message: said.message.clone(),
            http_status: said.http_status,
        };
        let api = match err {
            CarrierError::Unsupported { operation, .. } => return ApiError::unsupported_by_carrier(carrier, operation),
            CarrierError::Rejected { fields, .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "carrier_rejected", "Rejected by the carrier", detail)
                    .with_errors(fields)
            }
            CarrierError::NotFound { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "carrier_not_found", "Unknown to the carrier", detail)
            }
            CarrierError::Refused { .. } => {
                ApiError::new(StatusCode::CONFLICT, "carrier_refused", "Refused by the carrier", detail)
            }
            CarrierError::AuthFailed { .. } => ApiError::new(
                StatusCode::FAILED_DEPENDENCY,
                "carrier_auth_failed",
                "Carrier credentials refused",
                format!("{detail}; check the carrier account's credentials"),
            ),
            CarrierError::NotReady { what, retry_after, .. } => {
                let code = if what == "label" { "label_not_ready" } else { "not_ready" };
                ApiError::new(StatusCode::CONFLICT, code, "Not ready yet", detail)
                    .with_retry_after(seconds(retry_after))
            }
            CarrierError::Unavailable { retry_after, .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "carrier_unavailable", "Carrier unavailable", detail)
                    .with_retry_after(retry_after.map(seconds).unwrap_or(30))
            }
            CarrierError::RateLimited { retry_after, .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream_rate_limited",
                "Carrier rate limit reached",
                detail,
            )
            .with_retry_after(seconds(retry_after)),
            CarrierError::CircuitOpen { retry_after, state, .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "carrier_circuit_open",
                "Carrier temporarily disabled",
                detail,
            )
            .with_retry_after(seconds(retry_after))
            .with_extra("circuit_state", serde_json::json!(state)),
            CarrierError::BadResponse { .. } => {
                ApiError::new(StatusCode::BAD_GATEWAY, "carrier_bad_response", "Unreadable carrier answer", detail)
            }
            CarrierError::Storage { reason, .. } => {
                tracing::warn!(%reason, "storage failure during a carrier call");
                return ApiError::service_unavailable(
                    "database_unavailable",
                    "the database is unreachable; retry shortly",
                    5,
                );
            }
            CarrierError::OutcomeUnknown { .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "carrier_outcome_unknown",
                "Carrier answer lost",
                format!("{detail}; shipgate will reconcile it, retry with the same Idempotency-Key"),
            )
            .with_retry_after(5),
        };
        api.with_carrier(problem)
    }
}
