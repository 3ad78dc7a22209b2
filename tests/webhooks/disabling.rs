//! Endpoints shipgate disables by itself: at once on 410 Gone, and after
//! failing for longer than the window; re-enabling and recovery then bring
//! the receiver everything it missed.

use std::time::Duration;

use serde_json::{Value, json};
use shipgate::domain::webhook::EventType;

use crate::common::{assert_problem, json};
use crate::receiver::{Receiver, Reply, script};
use crate::{create_endpoint, deliveries, dispatching_app, enqueue, eventually, object_for};

const WAIT: Duration = Duration::from_secs(40);

async fn endpoint(app: &crate::common::TestApp, id: &str) -> Value {
    json(app.get(&format!("/v1/webhooks/{id}")).await).await
}

#[tokio::test]
async fn a_410_disables_the_endpoint_at_once_and_the_tenant_is_told() {
    let gone = Receiver::answering(410).await;
    let watcher = Receiver::answering(200).await;
    let app = dispatching_app(|_| {}).await;
    let (id, _) = create_endpoint(&app, &gone.url, json!({})).await;
    create_endpoint(&app, &watcher.url, json!({"event_types": ["webhook.disabled"]})).await;
    app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await;

    let disabled = eventually("the endpoint to be disabled", WAIT, || async {
        Some(endpoint(&app, &id).await).filter(|e| e["enabled"] == false)
    })
    .await;
    assert_eq!(disabled["disabled"]["reason"], "gone");
    assert!(disabled["disabled"]["detail"].as_str().unwrap().contains("410"), "{disabled}");
    assert_eq!(gone.requests().len(), 1, "no second attempt after 410");

    let told = watcher.wait_for(1, WAIT).await;
    assert_eq!(told[0].json["type"], "webhook.disabled");
    assert_eq!(told[0].json["data"]["object"]["id"], id.as_str());
    assert_eq!(told[0].json["data"]["object"]["disabled"]["reason"], "gone");

    // Nothing more is sent to it; the ping waits, parked.
    enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, 1)).await;
    assert_problem(app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await, 409, "webhook_disabled").await;
    let log = deliveries(&app, &id).await;
    assert_eq!(log.len(), 1, "events while disabled are not queued for it: {log:#?}");
    assert_eq!(log[0]["status"], "pending");
    assert_eq!(log[0]["next_attempt_at"], json!(null), "parked until enabled");

    // The receiver changed its mind: enabling sends the parked ping at once.
    gone.set_script(script(|_, _| Reply::Status(200)));
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"enabled": true})).await;
    assert_eq!(json(r).await["disabled"], json!(null));
    let requests = gone.wait_for(2, WAIT).await;
    assert_eq!(requests[1].id, requests[0].id);
}

#[tokio::test]
async fn an_endpoint_failing_longer_than_the_window_is_disabled_then_recovers_everything() {
    let receiver = Receiver::answering(500).await;
    let app = dispatching_app(|c| {
        c.webhook_retry_scale = 0.0005;
        c.webhook_disable_after_secs = 1;
    })
    .await;
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    let (id, _) = create_endpoint(&app, &receiver.url, json!({})).await;
    let first = enqueue(&app, EventType::TrackerException, &object_for(EventType::TrackerException, 1)).await;

    let disabled = eventually("the failing endpoint to be disabled", WAIT, || async {
        Some(endpoint(&app, &id).await).filter(|e| e["enabled"] == false)
    })
    .await;
    assert_eq!(disabled["disabled"]["reason"], "failing");
    let detail = disabled["disabled"]["detail"].as_str().unwrap();
    assert!(detail.contains("every delivery failed since") && detail.contains("HTTP 500"), "{detail}");
    assert!(disabled["failing_since"].is_string());
    let attempts_when_disabled = receiver.requests().len();
    assert!(attempts_when_disabled >= 2, "failed for a while first");

    // Missed while disabled: not queued for it.
    let second = enqueue(&app, EventType::TrackerDelivered, &object_for(EventType::TrackerDelivered, 2)).await;
    let third = enqueue(&app, EventType::CodCollected, &object_for(EventType::CodCollected, 3)).await;
    let r = app.post(&format!("/v1/webhooks/{id}/recover"), &json!({"since": started})).await;
    assert_problem(r, 409, "webhook_disabled").await;

    // Fixed and re-enabled: the parked delivery goes out, recovery sends the rest.
    receiver.set_script(script(|_, _| Reply::Status(200)));
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"enabled": true})).await;
    let enabled = json(r).await;
    assert_eq!(enabled["failing_since"], json!(null), "re-enabling starts afresh");
    let r = app.post(&format!("/v1/webhooks/{id}/recover"), &json!({"since": started})).await;
    assert_eq!(r.status(), 202);
    assert_eq!(json(r).await["queued"], 2, "the two events missed while disabled");

    eventually("every event delivered", WAIT, || async {
        let log = deliveries(&app, &id).await;
        (log.len() == 3 && log.iter().all(|d| d["status"] == "succeeded")).then_some(())
    })
    .await;
    let requests = receiver.requests();
    for event in [first, second, third] {
        let event = event.to_string();
        let successes = requests.iter().filter(|r| r.id == event).count();
        assert!(successes >= 1, "{event} reached the receiver");
    }
    assert_eq!(requests.len() - attempts_when_disabled, 3, "after recovery each event exactly once");
    // Recovering again finds nothing left to send.
    let r = app.post(&format!("/v1/webhooks/{id}/recover"), &json!({"since": started})).await;
    assert_eq!(json(r).await["queued"], 0);
}
