//! The webhook dispatcher: claims due deliveries (never more than it can send
//! right now, so claims do not age while waiting), sends them concurrently,
//! and sleeps until a notification (an event committed) or the poll interval.
//! Every replica runs one; `FOR UPDATE SKIP LOCKED` and leases share the work.
//! It also purges events past their retention.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::PgListener;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::service::webhook_sending::Sender;
use crate::state::AppState;
use crate::store::{outbox, webhook_deliveries};

const PURGE_EVERY: Duration = Duration::from_secs(600);
const PURGE_BATCH: i64 = 1000;
/// A claim must outlive the request it covers, or a slow receiver would be
/// sent the same event by a second replica while the first still waits.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

pub async fn run(state: AppState) {
    let sender = Sender::new(&state);
    let config = &state.config;
    let configured = Duration::from_secs(config.webhook_lease_secs);
    let lease = configured.max(Duration::from_secs(config.webhook_timeout_secs) + LEASE_MARGIN);
    if lease > configured {
        tracing::warn!(lease_secs = lease.as_secs(), "webhook lease raised above the request timeout");
    }
    let poll = Duration::from_millis(config.webhook_poll_ms);
    let permits = Arc::new(Semaphore::new(config.webhook_concurrency as usize));
    let wake = Arc::new(Notify::new());
    let listener = tokio::spawn(listen(state.clone(), wake.clone()));
    let mut in_flight = JoinSet::new();
    let mut last_purge: Option<Instant> = None;
    tracing::info!(
        concurrency = config.webhook_concurrency,
        lease_secs = lease.as_secs(),
        schedule_secs = sender.schedule.nominal_total().as_secs(),
        "webhook dispatcher started"
    );
    while !state.shutdown.is_cancelled() {
        if last_purge.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
            purge(&state).await;
            last_purge = Some(Instant::now());
        }
        let free = permits.available_permits();
        if free > 0 {
            let token = Uuid::new_v4();
            let per_endpoint = i64::from(config.webhook_endpoint_concurrency);
            match webhook_deliveries::claim_due(&state.db, token, free as i64, per_endpoint, lease.as_secs_f64()).await
            {
                Ok(batch) => {
                    for claimed in batch {
                        let permit = permits.clone().acquire_owned().await.expect("semaphore is never closed");
                        let sender = sender.clone();
                        in_flight.spawn(async move {
                            sender.attempt(claimed, token).await;
                            drop(permit);
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "webhook dispatcher cannot claim deliveries"),
            }
        }
        // A finished send frees a slot (and maybe its endpoint's cap): claim again then.
        tokio::select! {
            _ = state.shutdown.cancelled() => break,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
        }
    }
    listener.abort();
    // In-flight sends finish (each bounded by the request timeout); anything
    // cut short is sent again by another replica after its lease.
    while in_flight.join_next().await.is_some() {}
    tracing::info!("webhook dispatcher stopped");
}

/// Turns `pg_notify` from committed events into wake-ups. Polling covers any
/// notification lost while the connection is down.
async fn listen(state: AppState, wake: Arc<Notify>) {
    loop {
        let Err(e) = listen_once(&state, &wake).await;
        tracing::debug!(error = %e, "webhook notification listener reconnecting");
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

async fn listen_once(state: &AppState, wake: &Notify) -> Result<Infallible, sqlx::Error> {
    let mut listener = PgListener::connect_with(&state.db).await?;
    listener.listen(outbox::DELIVERIES_CHANNEL).await?;
    loop {
        listener.recv().await?;
        wake.notify_one();
    }
}

async fn purge(state: &AppState) {
    loop {
        match outbox::purge_older_than(&state.db, state.config.webhook_retention_days, PURGE_BATCH).await {
            Ok(n) if n as i64 == PURGE_BATCH => continue,
            Ok(0) => return,
            Ok(n) => {
                tracing::info!(purged = n, "expired webhook events removed");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot purge expired webhook events");
                return;
            }
        }
    }
}
