//! Labels: fetched from the carrier once, then served from Postgres. The
//! first copy stored announces `shipment.label_ready`, whether a merchant's
//! request or the follow-up worker fetched it.

use crate::carriers::shipping::Label;
use crate::domain::ids::{ShipmentId, TenantId};
use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::service::shipment_events;
use crate::service::shipments::actions::live;
use crate::service::shipments::row;
use crate::service::shipping_support::shipping;
use crate::state::AppState;
use crate::store::followups::{self, Queue};
use crate::store::labels;
use crate::store::shipments::ShipmentRow;

pub struct LabelDocument {
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The stored label, or the carrier's (stored for next time). While the carrier
/// has none yet: 409 `label_not_ready` with Retry-After.
pub async fn label(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<LabelDocument, ApiError> {
    row(state, tenant, id).await?;
    if let Some(stored) = labels::get(&state.db, id).await? {
        return Ok(LabelDocument { content_type: stored.content_type, content: stored.content });
    }
    let live = live(state, tenant, id, "print a label for").await?;
    let label = shipping(live.carrier.as_ref())?.label(&live.ctx, live.order()).await?;
    keep(state, &live.row, &label).await?;
    Ok(LabelDocument { content_type: label.content_type, content: label.content.to_vec() })
}

/// Stores a label fetched from the carrier and ends its follow-up; the copy
/// that is stored first announces it, in the same transaction.
pub async fn keep(state: &AppState, row: &ShipmentRow, label: &Label) -> Result<(), ApiError> {
    let mut tx = state.db.begin().await?;
    if labels::put(&mut *tx, row.id.into(), &label.content_type, &label.content).await? {
        shipment_events::record(&mut tx, row, EventType::ShipmentLabelReady).await?;
    }
    followups::done(&mut *tx, Queue::Labels, row.id).await?;
    tx.commit().await?;
    Ok(())
}
