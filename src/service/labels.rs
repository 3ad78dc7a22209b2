//! Labels: fetched from the carrier once, then served from Postgres.

use crate::domain::ids::{ShipmentId, TenantId};
use crate::error::ApiError;
use crate::service::shipments::actions::live;
use crate::service::shipments::row;
use crate::service::shipping_support::shipping;
use crate::state::AppState;
use crate::store::labels;

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
    labels::put(&state.db, id, &label.content_type, &label.content).await?;
    Ok(LabelDocument { content_type: label.content_type, content: label.content.to_vec() })
}
