//! Webhooks, black-box: endpoints over the API, deliveries to real HTTP
//! receivers (one of them verifying signatures in Python), retries, disabling,
//! URL safety, replicas sharing the work and a dispatcher killed mid-send.

#[path = "../common/mod.rs"]
mod common;
mod python;
mod receiver;

mod crash;
mod delivery;
mod disabling;
mod endpoints;
mod events_api;
mod fairness;
mod retries;
mod throughput;
mod url_safety;

use std::future::Future;
use std::time::{Duration, Instant};

use common::{TestApp, json, spawn_app_with};
use serde_json::{Value, json};
use shipgate::config::Config;
use shipgate::domain::ids::EventId;
use shipgate::domain::webhook::EventType;
use shipgate::store::outbox;

/// An app whose dispatcher runs, polling often; `configure` adjusts the rest.
pub async fn dispatching_app(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with(|c| {
        c.no_workers = false;
        c.webhook_poll_ms = 50;
        configure(c);
    })
    .await
}

/// Creates an endpoint; returns its id and secret.
pub async fn create_endpoint(app: &TestApp, url: &str, extra: Value) -> (String, String) {
    let mut body = json!({"url": url});
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    let response = app.post("/v1/webhooks", &body).await;
    assert_eq!(response.status(), 201);
    let created = json(response).await;
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

/// Records an event the way shipments and trackers do: inside a transaction.
pub async fn enqueue(app: &TestApp, event_type: EventType, object: &Value) -> EventId {
    let mut tx = app.state.db.begin().await.unwrap();
    let id = outbox::enqueue(&mut tx, app.tenant, event_type, object).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// A plausible object for each event type.
pub fn object_for(event_type: EventType, n: usize) -> Value {
    let kind = event_type.as_str().split('.').next().unwrap();
    json!({"id": format!("{kind}_{n}"), "object": kind, "n": n, "note": "accents: é, quotes: \" and unicode: ✓"})
}

/// Polls `check` until it yields a value; fails the test with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The delivery log of an endpoint (first page of 100).
pub async fn deliveries(app: &TestApp, webhook: &str) -> Vec<Value> {
    let page = json(app.get(&format!("/v1/webhooks/{webhook}/deliveries?limit=100")).await).await;
    page["data"].as_array().cloned().unwrap_or_default()
}

/// Waits until every delivery of the endpoint left `pending`; returns them.
pub async fn settled_deliveries(app: &TestApp, webhook: &str, count: usize, within: Duration) -> Vec<Value> {
    eventually(&format!("{count} settled deliveries"), within, || async {
        let list = deliveries(app, webhook).await;
        (list.len() == count && list.iter().all(|d| d["status"] != "pending")).then_some(list)
    })
    .await
}
