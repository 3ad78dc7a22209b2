//! Follow-ups after booking, done in the background so merchants are told
//! by webhook instead of polling: fetch each booked shipment's label until
//! the carrier has it, and ask about each requested pickup until the carrier
//! confirms it. Checks back off from `followup_interval_secs` up to an hour
//! (or as the carrier's Retry-After says) and give up after about a day.

use std::time::Duration;

use chrono::Utc;

use crate::carriers::{CallCtx, CarrierError};
use crate::domain::ids::{PickupId, ShipmentId, TenantId};
use crate::error::ApiError;
use crate::service::pickups::{self, CarrierOrApi};
use crate::service::shipments::actions::live;
use crate::state::AppState;
use crate::store::followups::{self, Due, Queue};

/// Rows claimed per queue and pass.
const BATCH: i64 = 20;
/// A claim lasts this long if the worker dies holding it.
const LEASE_SECS: i64 = 300;
/// Checks before giving up (with the hourly cap, about a day).
const MAX_CHECKS: i32 = 30;
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

pub fn followup_interval(state: &AppState) -> chrono::Duration {
    chrono::Duration::seconds(state.config.followup_interval_secs as i64)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub labels_stored: u32,
    pub pickups_confirmed: u32,
    pub retried: u32,
    pub given_up: u32,
}

/// What one check concluded.
enum Next {
    Done,
    /// Ask again; the carrier's own hint when it gave one.
    Retry(Option<Duration>),
}

pub async fn run_once(state: &AppState) -> Result<Pass, ApiError> {
    let mut pass = Pass::default();
    for queue in [Queue::Labels, Queue::Pickups] {
        let due = {
            let mut conn = state.db.acquire().await?;
            followups::claim(&mut conn, queue, BATCH, LEASE_SECS).await?
        };
        for item in due {
            let next = match queue {
                Queue::Labels => check_label(state, &item).await,
                Queue::Pickups => check_pickup(state, &item).await,
            };
            match next {
                Ok(Next::Done) => match queue {
                    Queue::Labels => pass.labels_stored += 1,
                    Queue::Pickups => pass.pickups_confirmed += 1,
                },
                Ok(Next::Retry(hint)) => settle_retry(state, queue, &item, hint, &mut pass).await?,
                Err(e) => {
                    tracing::warn!(queue = ?queue, id = %item.id, error = %e.detail, "follow-up check failed");
                    settle_retry(state, queue, &item, None, &mut pass).await?;
                }
            }
        }
    }
    Ok(pass)
}

async fn settle_retry(
    state: &AppState,
    queue: Queue,
    item: &Due,
    hint: Option<Duration>,
    pass: &mut Pass,
) -> Result<(), ApiError> {
    if item.checks + 1 >= MAX_CHECKS {
        tracing::warn!(queue = ?queue, id = %item.id, checks = item.checks + 1, "follow-up given up");
        followups::done(&state.db, queue, item.id).await?;
        pass.given_up += 1;
        return Ok(());
    }
    let wait = hint.unwrap_or_else(|| backoff(state, item.checks)).min(MAX_BACKOFF);
    let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
    followups::retry_at(&state.db, queue, item.id, at).await?;
    pass.retried += 1;
    Ok(())
}

/// The base interval doubled per check already made.
fn backoff(state: &AppState, checks: i32) -> Duration {
    let base = Duration::from_secs(state.config.followup_interval_secs);
    base.saturating_mul(1u32 << checks.clamp(0, 12))
}

/// How long the carrier asked us to wait, when it said.
fn carrier_hint(e: &CarrierError) -> Option<Duration> {
    match e {
        CarrierError::NotReady { retry_after, .. }
        | CarrierError::RateLimited { retry_after, .. }
        | CarrierError::CircuitOpen { retry_after, .. } => Some(*retry_after),
        CarrierError::Unavailable { retry_after, .. } => *retry_after,
        _ => None,
    }
}

async fn check_label(state: &AppState, item: &Due) -> Result<Next, ApiError> {
    let (tenant, id) = (TenantId::from(item.tenant_id), ShipmentId::from(item.id));
    let mut live = match live(state, tenant, id, "print a label for").await {
        Ok(live) => live,
        // Cancelled or gone meanwhile: nothing to fetch.
        Err(e) if e.code == "shipment_not_live" || e.status.as_u16() == 404 => {
            followups::done(&state.db, Queue::Labels, item.id).await?;
            return Ok(Next::Done);
        }
        Err(e) => return Err(e),
    };
    let Some(api) = live.carrier.shipping().filter(|_| live.carrier.capabilities().labels) else {
        followups::done(&state.db, Queue::Labels, item.id).await?;
        return Ok(Next::Done);
    };
    live.ctx = CallCtx::background(tenant, item.carrier_account_id.into());
    match api.label(&live.ctx, live.order()).await {
        Ok(label) => {
            super::labels::keep(state, &live.row, &label).await?;
            Ok(Next::Done)
        }
        Err(CarrierError::Unsupported { .. }) => {
            followups::done(&state.db, Queue::Labels, item.id).await?;
            Ok(Next::Done)
        }
        Err(e) => Ok(Next::Retry(carrier_hint(&e))),
    }
}

async fn check_pickup(state: &AppState, item: &Due) -> Result<Next, ApiError> {
    let (tenant, id) = (TenantId::from(item.tenant_id), PickupId::from(item.id));
    let Some(row) = crate::store::pickups::get(&state.db, tenant, id).await? else {
        return Ok(Next::Done);
    };
    let ctx = CallCtx::background(tenant, item.carrier_account_id.into());
    match pickups::refresh(state, row, &ctx).await {
        // `record` ends the follow-up in the confirming transaction.
        Ok(current) if current.status != "requested" => Ok(Next::Done),
        Ok(_) => Ok(Next::Retry(None)),
        Err(CarrierOrApi::Carrier(e)) => Ok(Next::Retry(carrier_hint(&e))),
        Err(CarrierOrApi::Api(e)) => Err(e),
    }
}
