//! Measured numbers (run on demand: `cargo nextest run --test webhooks --run-ignored only`):
//! the cost of `outbox::enqueue` inside a change's transaction, and how fast
//! one dispatcher drains a backlog to a local receiver.

use std::time::{Duration, Instant};

use serde_json::json;
use shipgate::domain::webhook::EventType;

use crate::receiver::Receiver;
use crate::{create_endpoint, dispatching_app, enqueue, eventually, object_for};

const EVENTS: usize = 2000;

#[tokio::test]
#[ignore = "a measurement, not a check: run on demand"]
async fn enqueue_cost_and_dispatch_throughput() {
    let receiver = Receiver::answering(200).await;
    let app = dispatching_app(|c| {
        c.no_workers = true;
        c.webhook_concurrency = 16;
        c.db_max_connections = 20;
    })
    .await;
    create_endpoint(&app, &receiver.url, json!({})).await;
    for n in 0..3 {
        create_endpoint(&app, &format!("http://127.0.0.1:9/other{n}"), json!({"event_types": ["cod.collected"]})).await;
    }
    let started = Instant::now();
    for n in 0..EVENTS {
        enqueue(&app, EventType::TrackerUpdated, &object_for(EventType::TrackerUpdated, n)).await;
    }
    let enqueued = started.elapsed();
    let started = Instant::now();
    let _dispatcher = crate::common::spawn_replica(&app, |c| c.no_workers = false).await;
    eventually("the backlog to drain", Duration::from_secs(600), || async {
        (receiver.requests().len() >= EVENTS).then_some(())
    })
    .await;
    let drained = started.elapsed();
    println!(
        "enqueue: {:.2} ms per event (own transaction, 4 endpoints, 1 subscribed); dispatch: {EVENTS} deliveries in {:.1} s = {:.0}/s",
        enqueued.as_secs_f64() * 1000.0 / EVENTS as f64,
        drained.as_secs_f64(),
        EVENTS as f64 / drained.as_secs_f64()
    );
    assert_eq!(receiver.requests().len(), EVENTS, "each delivered once");
}
