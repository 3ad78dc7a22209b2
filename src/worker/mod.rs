//! Background work run by `serve` next to the API: each worker loops until
//! the shutdown token is cancelled, claiming work from Postgres so several
//! replicas can share it.

pub mod booking_recovery;
pub mod followups;
pub mod janitor;
pub mod tracker_refresh;
pub mod webhook_dispatch;

use tokio::task::JoinHandle;

use crate::state::AppState;

/// Starts every worker; the handles finish after `state.shutdown` fires.
pub fn spawn_all(state: &AppState) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(janitor::run(state.clone())),
        tokio::spawn(webhook_dispatch::run(state.clone())),
        tokio::spawn(booking_recovery::run(state.clone())),
        tokio::spawn(followups::run(state.clone())),
        tokio::spawn(tracker_refresh::run(state.clone())),
    ]
}
