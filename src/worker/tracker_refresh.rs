//! Refreshes due trackers (see `service::tracking::refresh`): a full pass
//! is followed by the next at once, otherwise the worker naps
//! `tracking_poll_ms`. Replicas share the queue through Postgres.

use std::time::Duration;

use crate::service::tracking::refresh;
use crate::state::AppState;

pub async fn run(state: AppState) {
    let limit = state.config.tracking_claim;
    loop {
        let full = match refresh::run_once(&state, limit).await {
            Ok(pass) => {
                if pass.claimed > 0 {
                    tracing::info!(
                        claimed = pass.claimed,
                        updated = pass.updated,
                        not_found = pass.not_found,
                        failed = pass.failed,
                        "tracker refresh pass"
                    );
                }
                pass.claimed as i64 >= limit
            }
            Err(e) => {
                tracing::warn!(error = %e.detail, "tracker refresh pass failed");
                false
            }
        };
        if full {
            continue;
        }
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(state.config.tracking_poll_ms)) => {}
        }
    }
}
