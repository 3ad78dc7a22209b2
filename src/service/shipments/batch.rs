//! `POST /v1/shipments/batch`: up to 100 shipments of one account in one
//! upstream call (Ecotrack bulk), each with its own intent, result and error.

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::booking::{self, BookingPlan, Outcome, StoredRequest, lease, request_of};
use super::create::resume;
use super::{Shipment, view_one};
use crate::carriers::registry::capabilities_of;
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::address::Address;
use crate::domain::ids::{CarrierAccountId, ShipmentId, TenantId};
use crate::domain::parcel::Parcel;
use crate::domain::shipment::{BookingOptions, ShipmentSpec};
use crate::error::{ApiError, Problem};
use crate::service::shipping_support::{
    StoredError, carrier_reference, connector, invalid, kind_of, retryable, shipping,
};
use crate::state::AppState;
use crate::store::shipment_queries;
use crate::store::shipments::{self as machine, NewIntent, ShipmentRow};

pub const MAX_BATCH: usize = 100;

pub struct BatchItem {
    pub service: String,
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<Parcel>,
    pub reference: Option<String>,
    pub options: BookingOptions,
}

/// One item's result: its shipment, or why it was not booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Shipment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

fn item_key(key: &str, index: usize) -> String {
    format!("{key}#{index}")
}

fn result_of(index: usize, outcome: Result<(StatusCode, Shipment), ApiError>) -> BatchResult {
    match outcome {
        Ok((_, shipment)) => BatchResult { index, shipment: Some(shipment), error: None },
        Err(e) => BatchResult { index, shipment: None, error: Some(e.to_problem()) },
    }
}

/// Records a whole-call failure on every intent; answers it once.
async fn whole_call_failed(state: &AppState, rows: &[ShipmentRow], error: CarrierError) -> Result<ApiError, ApiError> {
    let unknown = matches!(error, CarrierError::OutcomeUnknown { .. } | CarrierError::BadResponse { .. });
    let stored = StoredError::from_carrier(&error, unknown || retryable(&error));
    let mut tx = state.db.begin().await?;
    for row in rows {
        if unknown {
            machine::mark_outcome_unknown(&mut tx, row.id.into(), &stored.to_json(), std::time::Duration::ZERO).await?;
        } else {
            machine::mark_failed(&mut tx, row.id.into(), &stored.to_json()).await?;
        }
    }
    tx.commit().await?;
    let ids: Vec<String> = rows.iter().map(|r| ShipmentId::from(r.id).to_string()).collect();
    Ok(ApiError::from(error).with_extra("shipment_ids", serde_json::json!(ids)))
}

pub async fn create_batch(
    state: &AppState,
    tenant: TenantId,
    account: CarrierAccountId,
    items: Vec<BatchItem>,
    key: Option<&str>,
) -> Result<Vec<BatchResult>, ApiError> {
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(ApiError::invalid_field("shipments", format!("must hold 1 to {MAX_BATCH} shipments")));
    }
    let (account_row, carrier) = connector(state, tenant, account).await?;
    let kind = kind_of(&account_row)?;
    if !capabilities_of(kind).batch_shipments {
        return Err(ApiError::unsupported_by_carrier(kind, "batch shipments"));
    }
    let api = shipping(carrier.as_ref())?;
    if let Some(key) = key {
        shipment_queries::forget_old_key(&state.db, tenant, key, crate::store::idempotency::KEY_RETENTION).await?;
        if shipment_queries::any_with_key_prefix(&state.db, tenant, key).await? {
            return resume_all(state, tenant, key, items.len()).await;
        }
    }
    let mut results: Vec<Option<BatchResult>> = Vec::with_capacity(items.len());
    let mut tx = state.db.begin().await?;
    let mut rows = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let spec = ShipmentSpec {
            shipper: item.shipper,
            recipient: item.recipient,
            parcels: item.parcels,
            reference: item.reference,
            options: item.options,
        };
        if let Err(v) = spec.check() {
            results.push(Some(BatchResult { index, shipment: None, error: Some(invalid(v).to_problem()) }));
            continue;
        }
        let id = ShipmentId::new();
        let stored = StoredRequest {
            spec: spec.clone(),
            booking: BookingPlan { service: item.service.clone(), ..BookingPlan::default() },
        };
        let request = serde_json::to_value(&stored).map_err(ApiError::internal)?;
        let parcels: Vec<serde_json::Value> =
            spec.parcels.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect();
        let item_key = key.map(|k| item_key(k, index));
        let row = machine::insert_intent(
            &mut tx,
            NewIntent {
                id,
                tenant,
                account,
                carrier: kind.as_str(),
                reference: spec.reference.as_deref(),
                carrier_reference: &carrier_reference(id),
                service_code: &item.service,
                offer: None,
                request: &request,
                price: None,
                idempotency_key: item_key.as_deref(),
                parcels: &parcels,
                lease: lease(state),
            },
        )
        .await?;
        results.push(None);
        rows.push((index, row));
    }
    tx.commit().await?;
    if rows.is_empty() {
        return Ok(results.into_iter().flatten().collect());
    }
    let specs: Vec<(ShipmentSpec, BookingPlan)> =
        rows.iter().map(|(_, r)| Ok((super::spec_of(r)?, booking::plan_of(r)?))).collect::<Result<_, ApiError>>()?;
    let requests: Vec<_> = rows.iter().zip(&specs).map(|((_, r), (s, p))| request_of(r, s, p)).collect();
    let ctx = CallCtx::interactive(tenant, account);
    let answers = match api.create_batch(&ctx, &requests).await {
        Ok(answers) if answers.len() == rows.len() => answers,
        Ok(_) => {
            return Err(whole_call_failed(
                state,
                &rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
                CarrierError::bad_response(kind, "bulk answer has the wrong number of results"),
            )
            .await?);
        }
        Err(e) => {
            return Err(whole_call_failed(state, &rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(), e).await?);
        }
    };
    for ((index, row), answer) in rows.iter().zip(answers) {
        let result = match booking::record(state, row, answer).await? {
            Outcome::Booked(row) => {
                BatchResult { index: *index, shipment: Some(view_one(state, *row).await?), error: None }
            }
            Outcome::Failed(e) => BatchResult { index: *index, shipment: None, error: Some(e.to_problem()) },
        };
        results[*index] = Some(result);
    }
    Ok(results.into_iter().flatten().collect())
}

/// A retried batch (same Idempotency-Key): each item resumes on its own.
async fn resume_all(state: &AppState, tenant: TenantId, key: &str, count: usize) -> Result<Vec<BatchResult>, ApiError> {
    let mut results = Vec::with_capacity(count);
    for index in 0..count {
        match shipment_queries::by_idempotency_key(&state.db, tenant, &item_key(key, index)).await? {
            Some(row) => results.push(result_of(index, resume(state, row).await)),
            // This item failed validation the first time: it is answered the same way.
            None => results.push(BatchResult {
                index,
                shipment: None,
                error: Some(
                    ApiError::invalid_field(format!("shipments[{index}]"), "was not valid when first sent")
                        .to_problem(),
                ),
            }),
        }
    }
    Ok(results)
}
