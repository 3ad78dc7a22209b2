//! Runs the follow-ups of `service::followups` (labels to fetch, pickups to
//! confirm) every few seconds, on whichever replica claims them first.

use std::time::Duration;

use crate::service::followups;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(1);

pub async fn run(state: AppState) {
    loop {
        match followups::run_once(&state).await {
            Ok(pass) if pass == followups::Pass::default() => {}
            Ok(pass) => tracing::info!(
                labels_stored = pass.labels_stored,
                pickups_confirmed = pass.pickups_confirmed,
                retried = pass.retried,
                given_up = pass.given_up,
                "follow-up pass"
            ),
            Err(e) => tracing::warn!(error = %e.detail, "follow-up pass failed"),
        }
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
