//! Recovers bookings whose outcome is unknown (see `service::shipments::recovery`):
//! a few seconds after their lease runs out, whichever replica claims them first.

use std::time::Duration;

use crate::service::shipments::recovery;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(2);

pub async fn run(state: AppState) {
    loop {
        match recovery::run_once(&state).await {
            Ok(pass) if pass == recovery::Pass::default() => {}
            Ok(pass) => tracing::info!(
                booked = pass.booked,
                not_booked = pass.not_booked,
                needs_attention = pass.needs_attention,
                pending = pass.pending,
                "booking recovery pass"
            ),
            Err(e) => tracing::warn!(error = %e, "booking recovery pass failed"),
        }
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
