//! Delayed pickups (My Flying Box): a shipment booked with
//! `delayed_pickup` gets its truck later. The request is billed, so it is
//! recorded first; the carrier confirms with its own reference later, which
//! `GET /v1/pickups/{id}` refreshes until it arrives.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::shipments::actions::live;
use super::shipping_support::{StoredError, invalid, is_unique_violation, retryable, shipping};
use crate::carriers::shipping::{CarrierPickup, PickupAsk};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::address::{Address, AddressUse};
use crate::domain::ids::{PickupId, ShipmentId, TenantId};
use crate::domain::money::Money;
use crate::domain::pickup::PickupStatus;
use crate::domain::shipment::valid_collection_date;
use crate::domain::violation::Violations;
use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::followups::{self, Queue};
use crate::store::outbox;
use crate::store::pickups::{self as rows, NewPickup as NewRow, PickupFacts, PickupRow};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pickup {
    pub id: PickupId,
    pub shipment_id: ShipmentId,
    pub carrier: CarrierKind,
    pub status: PickupStatus,
    /// The carrier's pickup id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_pickup_id: Option<String>,
    /// The carrier's reference (e.g. `MFB-PU-200420-OQT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The truck company's reference; set once it confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_reference: Option<String>,
    pub collection_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub address: Address,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<StoredError>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewPickup {
    pub shipment: ShipmentId,
    pub collection_date: String,
    pub instructions: Option<String>,
    /// Defaults to the shipment's shipper.
    pub address: Option<Address>,
}

pub fn view(row: PickupRow) -> Result<Pickup, ApiError> {
    Ok(Pickup {
        id: row.id.into(),
        shipment_id: row.shipment_id.into(),
        carrier: row.carrier.parse().map_err(ApiError::internal)?,
        status: row.status.parse().map_err(ApiError::internal)?,
        carrier_pickup_id: row.carrier_pickup_id,
        reference: row.reference,
        supplier_reference: row.supplier_reference,
        collection_date: row.collection_date,
        instructions: row.instructions,
        address: serde_json::from_value(row.address).map_err(ApiError::internal)?,
        price: row.price.map(serde_json::from_value).transpose().map_err(ApiError::internal)?,
        last_error: row.last_error.and_then(|e| serde_json::from_value(e).ok()),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn record(state: &AppState, id: PickupId, answer: &CarrierPickup) -> Result<Option<PickupRow>, ApiError> {
    let price = answer.price.as_ref().map(|p| serde_json::to_value(p).unwrap_or_default());
    let mut tx = state.db.begin().await?;
    // Locked first so that of two refreshes only one sees the confirmation arrive.
    let before = rows::lock_status(&mut tx, id).await?;
    let row = rows::record(
        &mut tx,
        id,
        PickupFacts {
            carrier_pickup_id: &answer.carrier_pickup_id,
            reference: answer.reference.as_deref(),
            supplier_reference: answer.supplier_reference.as_deref(),
            price: price.as_ref(),
        },
    )
    .await?;
    if let Some(row) = &row {
        match row.status.as_str() {
            "confirmed" if before.as_deref() != Some("confirmed") => {
                let pickup = view(row.clone())?;
                outbox::enqueue(&mut tx, row.tenant_id.into(), EventType::PickupConfirmed, &pickup).await?;
                followups::done(&mut *tx, Queue::Pickups, row.id).await?;
            }
            // Not confirmed yet: the follow-up worker asks again.
            "requested" if before.as_deref() != Some("requested") => {
                let first_check = Utc::now() + super::followups::followup_interval(state);
                followups::schedule(&mut *tx, Queue::Pickups, row.id, first_check).await?;
            }
            _ => {}
        }
    }
    tx.commit().await?;
    Ok(row)
}

/// Asks the carrier about a requested pickup and records its answer; the
/// current row either way.
pub async fn refresh(state: &AppState, row: PickupRow, ctx: &CallCtx) -> Result<PickupRow, CarrierOrApi> {
    let Some(carrier_id) = row.carrier_pickup_id.clone().filter(|_| row.status == "requested") else {
        return Ok(row);
    };
    let tenant = TenantId::from(row.tenant_id);
    let (_, carrier) = super::shipping_support::connector(state, tenant, row.carrier_account_id.into()).await?;
    let answer = shipping(carrier.as_ref())?.get_pickup(ctx, &carrier_id).await.map_err(CarrierOrApi::Carrier)?;
    Ok(record(state, row.id.into(), &answer).await?.unwrap_or(row))
}

/// A carrier failure kept apart from ours, so callers can judge it.
#[derive(Debug)]
pub enum CarrierOrApi {
    Carrier(CarrierError),
    Api(ApiError),
}

impl From<ApiError> for CarrierOrApi {
    fn from(e: ApiError) -> Self {
        CarrierOrApi::Api(e)
    }
}

impl From<CarrierOrApi> for ApiError {
    fn from(e: CarrierOrApi) -> Self {
        match e {
            CarrierOrApi::Carrier(e) => e.into(),
            CarrierOrApi::Api(e) => e,
        }
    }
}

fn needs_attention(row: &PickupRow) -> ApiError {
    ApiError::conflict(
        "pickup_needs_attention",
        format!(
            "pickup {} was sent but its answer was lost; check with the carrier before asking again",
            PickupId::from(row.id)
        ),
    )
}

pub async fn create(
    state: &AppState,
    tenant: TenantId,
    new: NewPickup,
    key: Option<&str>,
) -> Result<(StatusCode, Pickup), ApiError> {
    if let Some(key) = key {
        crate::store::shipment_queries::forget_old_key(
            &state.db,
            tenant,
            key,
            crate::store::idempotency::KEY_RETENTION,
        )
        .await?;
    }
    if let Some(key) = key
        && let Some(existing) = rows::by_idempotency_key(&state.db, tenant, key).await?
    {
        return match existing.status.as_str() {
            "requesting" | "needs_attention" => Err(needs_attention(&existing)),
            _ => Ok((StatusCode::CREATED, view(existing)?)),
        };
    }
    let mut v = Violations::default();
    if !valid_collection_date(new.collection_date.trim()) {
        v.add("collection_date", "must be a date (2024-05-14) or an RFC 3339 time");
    }
    v.text("instructions", &new.instructions, 255);
    if let Some(a) = &new.address {
        a.check("address", AddressUse::Booking, &mut v);
    }
    if !v.is_empty() {
        return Err(invalid(v.0));
    }
    let live = live(state, tenant, new.shipment, "order a pickup for").await?;
    let api = shipping(live.carrier.as_ref())?;
    if !crate::carriers::registry::capabilities_of(live.carrier.kind()).pickups {
        return Err(ApiError::unsupported_by_carrier(live.carrier.kind(), "pickups"));
    }
    if !live.spec.options.delayed_pickup {
        return Err(ApiError::conflict(
            "pickup_not_delayed",
            "this shipment's pickup was ordered with the booking; only shipments booked with options.delayed_pickup take a pickup request",
        ));
    }
    let address = new.address.unwrap_or_else(|| live.spec.shipper.clone());
    let id = PickupId::new();
    let mut tx = state.db.begin().await?;
    let inserted = rows::insert_intent(
        &mut tx,
        NewRow {
            id,
            tenant,
            shipment: new.shipment,
            account: live.row.carrier_account_id.into(),
            carrier: &live.row.carrier,
            collection_date: new.collection_date.trim(),
            instructions: new.instructions.as_deref(),
            address: &serde_json::to_value(&address).map_err(ApiError::internal)?,
            idempotency_key: key,
        },
    )
    .await;
    match inserted {
        Ok(_) => tx.commit().await?,
        Err(e) if is_unique_violation(&e, "pickups_one_per_shipment") => {
            return Err(ApiError::conflict("pickup_exists", format!("shipment {} already has a pickup", new.shipment)));
        }
        Err(e) => return Err(e.into()),
    }
    let ask = PickupAsk {
        carrier_order_id: live.order().carrier_order_id,
        collection_date: new.collection_date.trim(),
        instructions: new.instructions.as_deref(),
        address: &address,
    };
    match api.create_pickup(&live.ctx, &ask).await {
        Ok(answer) => {
            let row = record(state, id, &answer).await?.ok_or_else(|| ApiError::internal("pickup vanished"))?;
            Ok((StatusCode::CREATED, view(row)?))
        }
        Err(e) => {
            let unknown = matches!(e, CarrierError::OutcomeUnknown { .. } | CarrierError::BadResponse { .. });
            let stored = StoredError::from_carrier(&e, retryable(&e));
            let mut tx = state.db.begin().await?;
            rows::mark(&mut tx, id, if unknown { "needs_attention" } else { "failed" }, &stored.to_json()).await?;
            tx.commit().await?;
            Err(ApiError::from(e).with_extra("pickup_id", serde_json::json!(id.to_string())))
        }
    }
}

/// The pickup; while the carrier has not confirmed it, asks the carrier again.
pub async fn get(state: &AppState, tenant: TenantId, id: PickupId) -> Result<Pickup, ApiError> {
    let row = rows::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("pickup", id))?;
    let ctx = CallCtx::interactive(tenant, row.carrier_account_id.into());
    match refresh(state, row.clone(), &ctx).await {
        Ok(current) => view(current),
        Err(CarrierOrApi::Carrier(e)) if e.is_transient() => {
            tracing::warn!(pickup = %id, error = %e, "pickup not refreshed; answering what is stored");
            view(row)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    shipment: Option<ShipmentId>,
    after: Option<PickupId>,
    limit: u32,
) -> Result<Vec<Pickup>, ApiError> {
    rows::list(&state.db, tenant, shipment, after, i64::from(limit) + 1).await?.into_iter().map(view).collect()
}
