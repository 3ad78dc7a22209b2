//! Refreshing trackers from their carriers. The worker claims due trackers
//! (`FOR UPDATE SKIP LOCKED` with a lease, so replicas share them and none
//! is polled twice), groups them by carrier account and calls each carrier
//! as little as it allows: Ecotrack 100 trackings a call, Coursier.fr one
//! call for every ongoing mission of an account, one order a call elsewhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream;

use super::apply::{self, Applied, Miss};
use crate::carriers::registry::capabilities_of;
use crate::carriers::tracking::TrackOutcome;
use crate::carriers::{CallCtx, Carrier, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, TenantId};
use crate::domain::tracking::TrackingSnapshot;
use crate::error::ApiError;
use crate::service::shipping_support::connector;
use crate::state::AppState;
use crate::store::trackers::{self, TrackerRow};

/// A claim lasts this long if its worker dies.
const LEASE_SECS: i64 = 300;
/// Accounts refreshed at once (each still paced by its rate limiter).
const ACCOUNTS_IN_PARALLEL: usize = 8;
/// Calls in flight per account.
const CALLS_IN_PARALLEL: usize = 4;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub updated: usize,
    pub not_found: usize,
    pub failed: usize,
}

impl Pass {
    fn add(&mut self, other: Pass) {
        self.claimed += other.claimed;
        self.updated += other.updated;
        self.not_found += other.not_found;
        self.failed += other.failed;
    }
}

/// Carriers whose one call answers every ongoing parcel of an account.
fn sweep_carriers() -> Vec<&'static str> {
    CarrierKind::ALL.into_iter().filter(|k| capabilities_of(*k).tracks_all_ongoing).map(CarrierKind::as_str).collect()
}

/// Claims up to `limit` due trackers (plus every due tracker of the accounts
/// refreshed in one sweep) and refreshes them.
pub async fn run_once(state: &AppState, limit: i64) -> Result<Pass, ApiError> {
    let sweeps = sweep_carriers();
    let mut claimed = {
        let mut conn = state.db.acquire().await?;
        trackers::claim_due(&mut conn, limit, LEASE_SECS, &sweeps).await?
    };
    claimed.extend(trackers::claim_sweeps(&state.db, LEASE_SECS, &sweeps).await?);
    let mut by_account: BTreeMap<uuid::Uuid, Vec<TrackerRow>> = BTreeMap::new();
    for row in claimed {
        by_account.entry(row.carrier_account_id).or_default().push(row);
    }
    let passes: Vec<Pass> = stream::iter(by_account.into_values())
        .map(|rows| refresh_account(state, rows))
        .buffer_unordered(ACCOUNTS_IN_PARALLEL)
        .collect()
        .await;
    let mut total = Pass::default();
    passes.into_iter().for_each(|p| total.add(p));
    Ok(total)
}

async fn refresh_account(state: &AppState, mut rows: Vec<TrackerRow>) -> Pass {
    let mut pass = Pass { claimed: rows.len(), ..Pass::default() };
    let (tenant, account) = (TenantId::from(rows[0].tenant_id), CarrierAccountId::from(rows[0].carrier_account_id));
    let carrier = match connector(state, tenant, account).await {
        Ok((_, carrier)) => carrier,
        Err(e) => {
            tracing::warn!(account = %account, error = %e.detail, "tracker refresh: no connector");
            for row in &rows {
                record_miss(state, row, Miss::Ours(&e), &mut pass).await;
            }
            return pass;
        }
    };
    let ctx = CallCtx::background(tenant, account);
    let Some(api) = carrier.tracking() else {
        let error = CarrierError::unsupported(carrier.kind(), "tracking");
        for row in &rows {
            record_miss(state, row, Miss::Carrier(&error), &mut pass).await;
        }
        return pass;
    };
    if api.tracks_all_ongoing() {
        match api.track_all_ongoing(&ctx).await {
            Ok(snapshots) => {
                let mut by_number: BTreeMap<String, TrackingSnapshot> =
                    snapshots.into_iter().map(|s| (s.tracking_number.clone(), s)).collect();
                let mut rest = Vec::new();
                for row in rows {
                    match by_number.remove(&row.tracking_number) {
                        Some(snap) => record(state, &row, &snap, &mut pass).await,
                        None => rest.push(row),
                    }
                }
                // Missions no longer ongoing are asked about one by one.
                rows = rest;
            }
            Err(e) => tracing::warn!(account = %account, error = %e, "all-ongoing tracking failed; asking one by one"),
        }
    }
    rows.sort_by(|a, b| a.tracking_number.cmp(&b.tracking_number));
    let chunks: Vec<Vec<TrackerRow>> = rows.chunks(api.batch_size().max(1)).map(<[TrackerRow]>::to_vec).collect();
    let carrier: &Arc<dyn Carrier> = &carrier;
    let passes: Vec<Pass> = stream::iter(chunks)
        .map(|chunk| {
            let ctx = ctx.clone();
            async move {
                let mut pass = Pass::default();
                let api = carrier.tracking().expect("checked above");
                let numbers: Vec<String> = chunk.iter().map(|r| r.tracking_number.clone()).collect();
                match api.track(&ctx, &numbers).await {
                    Ok(outcomes) => {
                        for (row, outcome) in chunk.iter().zip(outcomes) {
                            match outcome {
                                TrackOutcome::Found(snap) => record(state, row, &snap, &mut pass).await,
                                TrackOutcome::NotFound => record_miss(state, row, Miss::NotFound, &mut pass).await,
                                TrackOutcome::Failed(e) => record_miss(state, row, Miss::Carrier(&e), &mut pass).await,
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(carrier = %api.carrier(), error = %e, "tracking call failed");
                        for row in &chunk {
                            record_miss(state, row, Miss::Carrier(&e), &mut pass).await;
                        }
                    }
                }
                pass
            }
        })
        .buffer_unordered(CALLS_IN_PARALLEL)
        .collect()
        .await;
    passes.into_iter().for_each(|p| pass.add(p));
    pass
}

async fn record(state: &AppState, row: &TrackerRow, snap: &TrackingSnapshot, pass: &mut Pass) {
    match apply::apply(state, row.id, snap).await {
        Ok(_) => pass.updated += 1,
        Err(e) => {
            pass.failed += 1;
            tracing::warn!(tracker = %row.id, error = %e.detail, "tracker update not recorded");
        }
    }
}

async fn record_miss(state: &AppState, row: &TrackerRow, why: Miss<'_>, pass: &mut Pass) {
    if matches!(why, Miss::NotFound) {
        pass.not_found += 1;
    } else {
        pass.failed += 1;
    }
    if let Err(e) = apply::miss(state, row, why).await {
        tracing::warn!(tracker = %row.id, error = %e.detail, "tracker miss not recorded");
    }
}

/// A live check of one tracker for an API caller (interactive priority,
/// within the rate limits); carrier failures come back as problems.
pub async fn refresh_now(state: &AppState, row: &TrackerRow) -> Result<Option<Applied>, ApiError> {
    let (tenant, account) = (TenantId::from(row.tenant_id), CarrierAccountId::from(row.carrier_account_id));
    let (_, carrier) = connector(state, tenant, account).await?;
    let api = carrier.tracking().ok_or_else(|| ApiError::unsupported_by_carrier(carrier.kind(), "tracking"))?;
    let ctx = CallCtx::interactive(tenant, account);
    let outcome = api.track(&ctx, std::slice::from_ref(&row.tracking_number)).await?.pop();
    match outcome {
        Some(TrackOutcome::Found(snap)) => apply::apply(state, row.id, &snap).await,
        Some(TrackOutcome::Failed(e)) => Err(e.into()),
        Some(TrackOutcome::NotFound) | None => {
            apply::miss(state, row, Miss::NotFound).await?;
            Ok(None)
        }
    }
}
