//! Removes expired records (idempotency keys past their retention).

use std::time::Duration;

use crate::state::AppState;
use crate::store;

const EVERY: Duration = Duration::from_secs(600);

pub async fn run(state: AppState) {
    loop {
        match store::idempotency::purge_expired(&state.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired idempotency keys removed"),
            Err(e) => tracing::warn!(error = %e, "janitor could not purge idempotency keys"),
        }
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
