//! Operations on a booked shipment: cancel, change, dispatch, and the
//! manual resolution of a booking that needs attention.

use std::sync::Arc;

use super::{Shipment, row, spec_of, view_one};
use crate::carriers::shipping::{Booked, OrderRef};
use crate::carriers::{CallCtx, Carrier};
use crate::domain::ids::{ShipmentId, TenantId};
use crate::domain::shipment::{ShipmentChanges, ShipmentSpec, ShipmentStatus};
use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::service::shipment_events;
use crate::service::shipping_support::{StoredError, connector, invalid, shipping};
use crate::state::AppState;
use crate::store::shipments::{self as machine, ShipmentRow};

/// A live shipment with what its carrier needs to act on it.
pub struct Live {
    pub row: ShipmentRow,
    pub spec: ShipmentSpec,
    pub carrier: Arc<dyn Carrier>,
    pub ctx: CallCtx,
}

impl Live {
    pub fn order(&self) -> OrderRef<'_> {
        OrderRef {
            carrier_order_id: self.row.carrier_order_id.as_deref().unwrap_or_default(),
            carrier_reference: &self.row.carrier_reference,
            spec: &self.spec,
            service_code: &self.row.service_code,
        }
    }
}

pub fn status_of(row: &ShipmentRow) -> Result<ShipmentStatus, ApiError> {
    row.status.parse().map_err(ApiError::internal)
}

/// The shipment, if the carrier holds it as a live order (booked or dispatched).
pub async fn live(state: &AppState, tenant: TenantId, id: ShipmentId, action: &str) -> Result<Live, ApiError> {
    let row = row(state, tenant, id).await?;
    let status = status_of(&row)?;
    if !status.is_live() || row.carrier_order_id.is_none() {
        return Err(ApiError::conflict("shipment_not_live", format!("cannot {action} shipment {id}: it is {status}")));
    }
    let (_, carrier) = connector(state, tenant, row.carrier_account_id.into()).await?;
    let spec = spec_of(&row)?;
    let ctx = CallCtx::interactive(tenant, row.carrier_account_id.into());
    Ok(Live { row, spec, carrier, ctx })
}

async fn current(
    state: &AppState,
    tenant: TenantId,
    id: ShipmentId,
    updated: Option<ShipmentRow>,
) -> Result<Shipment, ApiError> {
    let row = match updated {
        Some(r) => r,
        None => row(state, tenant, id).await?,
    };
    view_one(state, row).await
}

/// Cancels at the carrier, then here. Cancelling a cancelled shipment is a no-op.
pub async fn cancel(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<Shipment, ApiError> {
    let existing = row(state, tenant, id).await?;
    if status_of(&existing)? == ShipmentStatus::Cancelled {
        return view_one(state, existing).await;
    }
    let live = live(state, tenant, id, "cancel").await?;
    shipping(live.carrier.as_ref())?.cancel(&live.ctx, live.order()).await?;
    let mut tx = state.db.begin().await?;
    let updated = machine::mark_cancelled(&mut tx, tenant, id).await?;
    if let Some(cancelled) = &updated {
        shipment_events::record(&mut tx, cancelled, EventType::ShipmentCancelled).await?;
    }
    tx.commit().await?;
    current(state, tenant, id, updated).await
}

/// Hands the shipment over for delivery (Ecotrack "valid"); twice is a no-op.
pub async fn dispatch(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<Shipment, ApiError> {
    let existing = row(state, tenant, id).await?;
    if status_of(&existing)? == ShipmentStatus::Dispatched {
        return view_one(state, existing).await;
    }
    let live = live(state, tenant, id, "dispatch").await?;
    shipping(live.carrier.as_ref())?.dispatch(&live.ctx, live.order()).await?;
    let mut tx = state.db.begin().await?;
    let updated = machine::mark_dispatched(&mut tx, tenant, id).await?;
    tx.commit().await?;
    current(state, tenant, id, updated).await
}

/// Applies changes the carrier accepted to the stored spec.
fn changed(mut spec: ShipmentSpec, changes: &ShipmentChanges) -> ShipmentSpec {
    if let Some(r) = &changes.recipient {
        spec.recipient = r.clone();
    }
    if let Some(cod) = changes.cash_on_delivery {
        spec.options.cash_on_delivery = Some(cod).filter(|m| !m.amount.is_zero());
    }
    if let Some(text) = &changes.instructions {
        spec.options.instructions = Some(text.clone());
    }
    spec
}

pub async fn update(
    state: &AppState,
    tenant: TenantId,
    id: ShipmentId,
    changes: ShipmentChanges,
) -> Result<Shipment, ApiError> {
    changes.check().map_err(invalid)?;
    let live = live(state, tenant, id, "change").await?;
    if let Some(r) = &changes.recipient
        && r.country != live.spec.recipient.country
    {
        return Err(ApiError::invalid_field(
            "recipient.country",
            "cannot change the destination country of a booked shipment",
        ));
    }
    shipping(live.carrier.as_ref())?.update(&live.ctx, live.order(), &changes).await?;
    let mut stored = live.row.request.clone();
    let spec = changed(live.spec.clone(), &changes);
    for (key, value) in serde_json::to_value(&spec).map_err(ApiError::internal)?.as_object().into_iter().flatten() {
        stored[key] = value.clone();
    }
    let mut tx = state.db.begin().await?;
    let updated = machine::record_changes(&mut tx, tenant, id, &stored).await?;
    tx.commit().await?;
    current(state, tenant, id, updated).await
}

/// How a merchant settles a booking shipgate could not verify.
pub enum Resolution {
    /// The carrier has it, under this id.
    Booked {
        carrier_order_id: String,
    },
    NotBooked,
}

pub async fn resolve(
    state: &AppState,
    tenant: TenantId,
    id: ShipmentId,
    resolution: Resolution,
) -> Result<Shipment, ApiError> {
    let existing = row(state, tenant, id).await?;
    if status_of(&existing)? != ShipmentStatus::NeedsAttention {
        return Err(ApiError::conflict(
            "shipment_not_in_attention",
            format!("shipment {id} is {}, not needs_attention", existing.status),
        ));
    }
    let updated = match resolution {
        Resolution::Booked { carrier_order_id } => {
            let parcels = spec_of(&existing)?.parcels.len();
            let booked = Booked {
                tracking_numbers: vec![Some(carrier_order_id.clone()); parcels],
                carrier_order_id,
                service: None,
                price: None,
                insurance: None,
                details: serde_json::json!({"resolved_by": "merchant"}),
            };
            Some(super::booking::record_booked(state, &existing, &booked).await?)
        }
        Resolution::NotBooked => {
            let stored = StoredError::plain("not_booked", "the merchant confirmed the carrier has no such order", true);
            let mut tx = state.db.begin().await?;
            let updated = machine::resolve_not_booked(&mut tx, tenant, id, &stored.to_json()).await?;
            tx.commit().await?;
            updated
        }
    };
    current(state, tenant, id, updated).await
}
