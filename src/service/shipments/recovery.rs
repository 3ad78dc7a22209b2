//! Background recovery of bookings whose outcome is unknown (answer lost,
//! process killed between the carrier call and the commit): intents older
//! than their lease are claimed (`FOR UPDATE SKIP LOCKED`, so replicas share
//! the work) and looked up at the carrier by our reference. Found: booked.
//! Confirmed absent: failed (nothing was booked; a retry with the same
//! Idempotency-Key books it). Unsearchable: needs attention. The worker never
//! books anything itself.

use std::time::Duration;

use super::booking::{self, Recovery, lease};
use crate::carriers::CallCtx;
use crate::domain::ids::{ShipmentId, TenantId};
use crate::error::ApiError;
use crate::service::shipping_support::{StoredError, connector, shipping};
use crate::state::AppState;
use crate::store::shipments::{self as machine, ShipmentRow};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub booked: usize,
    pub not_booked: usize,
    pub needs_attention: usize,
    /// Still unknown (the carrier could not be asked); tried again later.
    pub pending: usize,
}

const BATCH: i64 = 20;

pub async fn run_once(state: &AppState) -> Result<Pass, ApiError> {
    let mut tx = state.db.begin().await?;
    let rows = machine::claim_stale(&mut tx, lease(state), BATCH).await?;
    tx.commit().await?;
    let mut pass = Pass::default();
    for row in rows {
        let id = ShipmentId::from(row.id);
        match recover_one(state, &row).await {
            Ok(Recovery::Booked(_)) => pass.booked += 1,
            Ok(Recovery::Absent) => {
                let stored = StoredError::plain(
                    "not_booked",
                    format!(
                        "the carrier has no order with reference {}: nothing was booked; retry with the same Idempotency-Key to book it",
                        row.carrier_reference
                    ),
                    true,
                );
                let mut tx = state.db.begin().await?;
                machine::mark_failed(&mut tx, id, &stored.to_json()).await?;
                tx.commit().await?;
                tracing::info!(shipment = %id, "lost booking was never made at the carrier");
                pass.not_booked += 1;
            }
            Ok(Recovery::NeedsAttention(_)) => pass.needs_attention += 1,
            Ok(Recovery::Unknown(e)) => {
                tracing::warn!(shipment = %id, error = %e, "booking recovery must wait for the carrier");
                pass.pending += 1;
            }
            Err(e) => {
                tracing::warn!(shipment = %id, error = %e, "booking recovery failed");
                let reason = format!("recovery could not run: {}", e.detail);
                let mut tx = state.db.begin().await?;
                if e.code == "not_found" {
                    // The account was archived: nobody can ask the carrier any more.
                    machine::mark_needs_attention(&mut tx, id, &reason).await?;
                } else {
                    let stored = StoredError::plain(&e.code, reason, true);
                    machine::mark_outcome_unknown(&mut tx, id, &stored.to_json(), Duration::from_secs(300)).await?;
                }
                tx.commit().await?;
                pass.pending += 1;
            }
        }
    }
    Ok(pass)
}

async fn recover_one(state: &AppState, row: &ShipmentRow) -> Result<Recovery, ApiError> {
    let tenant = TenantId::from(row.tenant_id);
    let (_, carrier) = connector(state, tenant, row.carrier_account_id.into()).await?;
    let api = shipping(carrier.as_ref())?;
    let ctx = CallCtx::background(tenant, row.carrier_account_id.into());
    booking::recover(state, &ctx, api, row).await
}
