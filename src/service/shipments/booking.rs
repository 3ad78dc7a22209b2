//! The never-book-twice core. A booking is first recorded (status `booking`,
//! with our carrier reference), committed, and only then sent to the carrier.
//! Its outcome is recorded afterwards. When the answer is lost, the booking
//! stays `booking` and is recovered by finding the carrier's order by our
//! reference; it is never sent twice unless the carrier confirms it has no
//! such order.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::spec_of;
use crate::carriers::shipping::{Booked, BookingRequest, Lookup};
use crate::carriers::{CallCtx, CarrierError, ShippingApi};
use crate::domain::ids::ShipmentId;
use crate::domain::offer::OfferFilters;
use crate::domain::shipment::{ServiceChoice, ShipmentSpec};
use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::service::failpoint;
use crate::service::followups::followup_interval;
use crate::service::shipment_events;
use crate::service::shipping_support::{StoredError, retryable};
use crate::state::AppState;
use crate::store::followups::{self, Queue};
use crate::store::shipments::{self as machine, BookedFacts, ShipmentRow};

/// How to book, stored beside the spec so a retry or recovery sends the same thing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BookingPlan {
    /// A service code, or `cheapest` when the carrier picks (My Flying Box).
    pub service: String,
    #[serde(default)]
    pub carrier_offer_id: Option<String>,
    #[serde(default)]
    pub filters: OfferFilters,
}

/// The `request` column: the spec, plus the plan under `booking`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredRequest {
    #[serde(flatten)]
    pub spec: ShipmentSpec,
    pub booking: BookingPlan,
}

pub fn plan_of(row: &ShipmentRow) -> Result<BookingPlan, ApiError> {
    let stored: StoredRequest = serde_json::from_value(row.request.clone()).map_err(ApiError::internal)?;
    Ok(stored.booking)
}

/// What became of a booking attempt.
pub enum Outcome {
    Booked(Box<ShipmentRow>),
    /// Answered with an error for the client (the row says the rest).
    Failed(ApiError),
}

pub fn lease(state: &AppState) -> Duration {
    Duration::from_secs(state.config.booking_lease_secs.max(1))
}

fn with_shipment(error: ApiError, id: ShipmentId) -> ApiError {
    error.with_extra("shipment_id", serde_json::json!(id.to_string()))
}

pub fn attention_error(row: &ShipmentRow) -> ApiError {
    let id = ShipmentId::from(row.id);
    let reason = row.attention_reason.as_deref().unwrap_or("the booking's outcome is unknown");
    with_shipment(
        ApiError::new(
            StatusCode::CONFLICT,
            "booking_needs_attention",
            "Booking needs attention",
            format!(
                "shipment {id} may or may not be booked at the carrier: {reason}; check with the carrier, then resolve it with POST /v1/shipments/{id}/resolve"
            ),
        ),
        id,
    )
}

/// A stored failure as it was first answered.
pub fn stored_error(row: &ShipmentRow) -> ApiError {
    let id = ShipmentId::from(row.id);
    let stored: Option<StoredError> = row.last_error.clone().and_then(|e| serde_json::from_value(e).ok());
    let Some(stored) = stored else {
        return with_shipment(ApiError::conflict("booking_failed", format!("shipment {id} was not booked")), id);
    };
    let status = match stored.code.as_str() {
        "carrier_auth_failed" => StatusCode::FAILED_DEPENDENCY,
        "carrier_refused" => StatusCode::CONFLICT,
        "carrier_not_found" => StatusCode::NOT_FOUND,
        "carrier_unavailable" | "upstream_rate_limited" | "carrier_circuit_open" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut error = ApiError::new(status, stored.code, "Booking failed", stored.detail).with_errors(stored.errors);
    if let Some(carrier) = stored.carrier {
        error = error.with_carrier(carrier);
    }
    with_shipment(error, id)
}

fn booked_facts<'a>(booked: &'a Booked, price: &'a Option<serde_json::Value>) -> BookedFacts<'a> {
    BookedFacts {
        carrier_order_id: &booked.carrier_order_id,
        service_code: booked.service.as_ref().map(|s| s.code.as_str()),
        service_name: booked.service.as_ref().map(|s| s.name.as_str()),
        price: price.as_ref(),
        details: &booked.details,
        tracking_numbers: &booked.tracking_numbers,
    }
}

/// Records a confirmed booking (also one found again). Returns the current row.
pub async fn record_booked(state: &AppState, row: &ShipmentRow, booked: &Booked) -> Result<ShipmentRow, ApiError> {
    let price = booked.price.as_ref().map(|p| {
        let mut v = serde_json::to_value(p).unwrap_or_default();
        if let Some(i) = &booked.insurance {
            v["insurance"] = serde_json::to_value(i).unwrap_or_default();
        }
        v
    });
    let mut tx = state.db.begin().await?;
    let updated = machine::mark_booked(&mut tx, row.id.into(), booked_facts(booked, &price)).await?;
    // Only the caller that made the transition announces it (and schedules
    // the label), so a booking found again twice is announced once.
    if let Some(booked_row) = &updated {
        shipment_events::record(&mut tx, booked_row, EventType::ShipmentCreated).await?;
        let first_check = Utc::now() + followup_interval(state);
        followups::schedule(&mut *tx, Queue::Labels, booked_row.id, first_check).await?;
        crate::service::tracking::shipments::track_booked(&mut tx, booked_row).await?;
    }
    tx.commit().await?;
    match updated {
        Some(r) => Ok(r),
        None => super::row(state, row.tenant_id.into(), row.id.into()).await,
    }
}

/// Records what a carrier call answered, for a booking this caller holds.
pub async fn record(
    state: &AppState,
    row: &ShipmentRow,
    result: Result<Booked, CarrierError>,
) -> Result<Outcome, ApiError> {
    let id = ShipmentId::from(row.id);
    let error = match result {
        Ok(booked) => {
            // Crash tests: the carrier has the order, shipgate has not recorded it.
            failpoint::hit(failpoint::AFTER_CARRIER_CREATE);
            return Ok(Outcome::Booked(Box::new(record_booked(state, row, &booked).await?)));
        }
        Err(e) => e,
    };
    let mut tx = state.db.begin().await?;
    let answer = match &error {
        // The order may exist: keep `booking`, unlocked, for recovery to decide.
        CarrierError::OutcomeUnknown { .. } | CarrierError::BadResponse { .. } => {
            let stored = StoredError::from_carrier(&error, true);
            machine::mark_outcome_unknown(&mut tx, id, &stored.to_json(), Duration::ZERO).await?;
            let mut api = ApiError::from(error.clone());
            if matches!(error, CarrierError::BadResponse { .. }) {
                api.detail = format!(
                    "{}; the order may exist: shipgate will reconcile it, retry with the same Idempotency-Key",
                    api.detail
                );
            }
            with_shipment(api, id)
        }
        // The carrier answered a failure or was never reached: nothing was booked.
        e => {
            let stored = StoredError::from_carrier(e, retryable(e));
            machine::mark_failed(&mut tx, id, &stored.to_json()).await?;
            with_shipment(ApiError::from(error.clone()), id)
        }
    };
    tx.commit().await?;
    Ok(Outcome::Failed(answer))
}

/// The carrier request for a stored booking.
pub fn request_of<'a>(row: &'a ShipmentRow, spec: &'a ShipmentSpec, plan: &'a BookingPlan) -> BookingRequest<'a> {
    BookingRequest {
        spec,
        service: ServiceChoice::parse(&plan.service),
        carrier_offer_id: plan.carrier_offer_id.as_deref(),
        carrier_reference: &row.carrier_reference,
        intent_at: row.created_at,
        filters: &plan.filters,
    }
}

/// Sends a claimed booking to the carrier and records the outcome.
pub async fn send(
    state: &AppState,
    ctx: &CallCtx,
    shipping: &dyn ShippingApi,
    row: &ShipmentRow,
) -> Result<Outcome, ApiError> {
    let (spec, plan) = (spec_of(row)?, plan_of(row)?);
    let result = shipping.create_shipment(ctx, &request_of(row, &spec, &plan)).await;
    record(state, row, result).await
}

/// What looking for a booking by our reference found.
pub enum Recovery {
    Booked(ShipmentRow),
    /// The carrier has no such order: nothing was booked; the row is still ours.
    Absent,
    NeedsAttention(ShipmentRow),
    /// The search itself failed; the booking stays for later.
    Unknown(ApiError),
}

/// Looks for a claimed booking at the carrier. Never books.
pub async fn recover(
    state: &AppState,
    ctx: &CallCtx,
    shipping: &dyn ShippingApi,
    row: &ShipmentRow,
) -> Result<Recovery, ApiError> {
    let id = ShipmentId::from(row.id);
    let (spec, plan) = (spec_of(row)?, plan_of(row)?);
    let found = shipping.find_booking(ctx, &request_of(row, &spec, &plan)).await;
    Ok(match found {
        Ok(Lookup::Found(booked)) => {
            tracing::info!(shipment = %id, order = %booked.carrier_order_id, "lost booking found at the carrier");
            Recovery::Booked(record_booked(state, row, &booked).await?)
        }
        Ok(Lookup::Absent) => Recovery::Absent,
        Ok(Lookup::Unsearchable(why)) => {
            let reason = format!("the carrier's answer to the booking was lost and {why}");
            let mut tx = state.db.begin().await?;
            let updated = machine::mark_needs_attention(&mut tx, id, &reason).await?;
            tx.commit().await?;
            let current = match updated {
                Some(r) => r,
                None => super::row(state, row.tenant_id.into(), id).await?,
            };
            tracing::warn!(shipment = %id, reason, "booking needs attention");
            Recovery::NeedsAttention(current)
        }
        Err(e) => {
            let stored = StoredError::from_carrier(&e, true);
            let mut tx = state.db.begin().await?;
            machine::mark_outcome_unknown(&mut tx, id, &stored.to_json(), Duration::from_secs(30)).await?;
            tx.commit().await?;
            Recovery::Unknown(with_shipment(ApiError::from(e), id))
        }
    })
}
