//! Shipments: booking (never twice), reading, changing, cancelling,
//! dispatching, and recovering bookings whose answer was lost.

pub mod actions;
pub mod batch;
pub mod booking;
pub mod create;
pub mod recovery;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::shipping_support::StoredError;
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::ids::{CarrierAccountId, OfferId, ShipmentId, TenantId};
use crate::domain::money::Money;
use crate::domain::offer::PriceBreakdown;
use crate::domain::parcel::Parcel;
use crate::domain::shipment::{BookingOptions, ShipmentSpec, ShipmentStatus};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::shipment_queries::{self as queries, ParcelRow, ShipmentFilter};
use crate::store::shipments::ShipmentRow;

/// The price as stored on a shipment: the split, and insurance apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShipmentPrice {
    #[serde(flatten)]
    pub breakdown: PriceBreakdown,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Money>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShipmentParcel {
    pub index: u16,
    /// What tracking polls (My Flying Box order id, e-Courier OrderNumber, Ecotrack tracking).
    pub tracking_number: Option<String>,
    #[serde(flatten)]
    pub parcel: Parcel,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceRef {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Shipment {
    pub id: ShipmentId,
    pub status: ShipmentStatus,
    pub carrier: CarrierKind,
    pub carrier_account: CarrierAccountId,
    pub service: ServiceRef,
    /// The merchant's order reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Ours, given to the carrier (finds the order again if an answer is lost).
    pub carrier_reference: String,
    /// The carrier's id of the order, once booked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_order_id: Option<String>,
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<ShipmentParcel>,
    pub options: BookingOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<ShipmentPrice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<OfferId>,
    /// Why a human must look (status `needs_attention`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention_reason: Option<String>,
    /// The last failure of a booking attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<StoredError>,
    pub booking_attempts: i32,
    /// Carrier facts (order state, collection date, stop desk...).
    #[schema(value_type = Object)]
    pub carrier_details: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_requested_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booked_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// A stored shipment's spec.
pub fn spec_of(row: &ShipmentRow) -> Result<ShipmentSpec, ApiError> {
    serde_json::from_value(row.request.clone()).map_err(ApiError::internal)
}

pub fn view(row: ShipmentRow, parcels: Vec<ParcelRow>) -> Result<Shipment, ApiError> {
    let spec = spec_of(&row)?;
    let parcels = parcels
        .into_iter()
        .map(|p| {
            let parcel: Parcel = serde_json::from_value(p.parcel).map_err(ApiError::internal)?;
            Ok(ShipmentParcel { index: p.parcel_index as u16, tracking_number: p.tracking_number, parcel })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Shipment {
        id: row.id.into(),
        status: row.status.parse().map_err(ApiError::internal)?,
        carrier: row.carrier.parse().map_err(ApiError::internal)?,
        carrier_account: row.carrier_account_id.into(),
        service: ServiceRef { code: row.service_code, name: row.service_name },
        reference: row.reference,
        carrier_reference: row.carrier_reference,
        carrier_order_id: row.carrier_order_id,
        shipper: spec.shipper,
        recipient: spec.recipient,
        parcels,
        options: spec.options,
        price: row.price.map(serde_json::from_value).transpose().map_err(ApiError::internal)?,
        offer_id: row.offer_id.map(OfferId::from),
        attention_reason: row.attention_reason,
        last_error: row.last_error.and_then(|e| serde_json::from_value(e).ok()),
        booking_attempts: row.attempts,
        carrier_details: row.carrier_details,
        return_requested_at: row.return_requested_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        booked_at: row.booked_at,
        dispatched_at: row.dispatched_at,
        cancelled_at: row.cancelled_at,
    })
}

/// Views of rows, their parcels fetched in one query.
pub async fn views(state: &AppState, rows: Vec<ShipmentRow>) -> Result<Vec<Shipment>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parcels = queries::parcels(&state.db, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let mine: Vec<ParcelRow> = parcels.iter().filter(|(id, _)| *id == row.id).map(|(_, p)| p.clone()).collect();
            parcels.retain(|(id, _)| *id != row.id);
            view(row, mine)
        })
        .collect()
}

pub async fn view_one(state: &AppState, row: ShipmentRow) -> Result<Shipment, ApiError> {
    Ok(views(state, vec![row]).await?.remove(0))
}

pub async fn row(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<ShipmentRow, ApiError> {
    queries::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("shipment", id))
}

pub async fn get(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<Shipment, ApiError> {
    let row = row(state, tenant, id).await?;
    view_one(state, row).await
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    filter: &ShipmentFilter<'_>,
    after: Option<ShipmentId>,
    limit: u32,
) -> Result<Vec<Shipment>, ApiError> {
    let rows = queries::list(&state.db, tenant, filter, after, i64::from(limit) + 1).await?;
    views(state, rows).await
}
