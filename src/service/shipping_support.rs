//! Small pieces every shipping use case needs: the shipping side of an
//! account's connector, violations as a 422, failures as stored JSON.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::carrier_accounts;
use crate::carriers::{Carrier, CarrierError, ShippingApi};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, ShipmentId, TenantId, encode_base32};
use crate::domain::violation::Violation;
use crate::error::{ApiError, CarrierProblem, FieldError};
use crate::state::AppState;
use crate::store::carrier_accounts::CarrierAccountRow;

/// A 422 listing every broken rule.
pub fn invalid(violations: Vec<Violation>) -> ApiError {
    ApiError::validation(violations.into_iter().map(|v| FieldError::new(v.field, v.message)).collect())
}

/// The connector of one of the tenant's accounts, and its carrier.
pub async fn connector(
    state: &AppState,
    tenant: TenantId,
    account: CarrierAccountId,
) -> Result<(CarrierAccountRow, Arc<dyn Carrier>), ApiError> {
    carrier_accounts::connector(state, tenant, account).await
}

/// The shipping side of a connector, or 422 `unsupported_by_carrier`.
pub fn shipping(connector: &dyn Carrier) -> Result<&dyn ShippingApi, ApiError> {
    connector
        .shipping()
        .ok_or_else(|| ApiError::unsupported_by_carrier(connector.kind(), "shipping (quotes, bookings, labels)"))
}

/// Our carrier-facing reference: short, unique, derived from the shipment id.
pub fn carrier_reference(id: ShipmentId) -> String {
    format!("sg-{}", encode_base32(id.uuid().as_u128()))
}

/// A failure as stored on a shipment or pickup, and as shown back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredError {
    /// Our stable problem code (`carrier_rejected`, `carrier_outcome_unknown`...).
    pub code: String,
    pub detail: String,
    /// Whether a retry (same Idempotency-Key) may book.
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<CarrierProblem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl StoredError {
    pub fn from_carrier(error: &CarrierError, retryable: bool) -> StoredError {
        let api = ApiError::from(error.clone());
        StoredError {
            code: api.code.to_string(),
            detail: api.detail,
            retryable,
            carrier: api.carrier,
            errors: api.errors,
        }
    }

    pub fn plain(code: &str, detail: impl Into<String>, retryable: bool) -> StoredError {
        StoredError { code: code.to_owned(), detail: detail.into(), retryable, carrier: None, errors: Vec::new() }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain data serializes")
    }
}

pub fn kind_of(row: &CarrierAccountRow) -> Result<CarrierKind, ApiError> {
    row.carrier.parse().map_err(ApiError::internal)
}

/// Whether the failure leaves nothing done upstream and a later retry may
/// succeed (the carrier down or throttled, or our own storage failing).
pub fn retryable(error: &CarrierError) -> bool {
    error.is_transient() || matches!(error, CarrierError::Storage { .. })
}

/// Whether a Postgres error is the violation of this unique index.
pub fn is_unique_violation(e: &sqlx::Error, index: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") && db.constraint() == Some(index))
}
