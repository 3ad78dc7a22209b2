//! Deliveries: every event type arrives once per change with a signature an
//! independent implementation accepts; events exist only if their
//! transaction committed; subscriptions filter; rotation keeps receivers working.

use std::time::Duration;

use serde_json::{Value, json};
use shipgate::domain::webhook::EventType;
use shipgate::store::outbox;

use crate::common::json;
use crate::python::PyReceiver;
use crate::receiver::Receiver;
use crate::{create_endpoint, deliveries, dispatching_app, enqueue, object_for, settled_deliveries};

const WAIT: Duration = Duration::from_secs(30);

fn business_types() -> Vec<EventType> {
    EventType::ALL.into_iter().filter(|t| !matches!(t, EventType::WebhookPing | EventType::WebhookDisabled)).collect()
}

#[tokio::test]
async fn every_event_type_arrives_once_per_change_with_a_valid_signature() {
    let py = PyReceiver::start();
    let app = dispatching_app(|_| {}).await;
    let (all, secret) = create_endpoint(&app, &py.url, json!({"description": "everything"})).await;
    py.set_secrets(&[&secret]);
    let narrow_receiver = Receiver::answering(200).await;
    let (narrow, _) =
        create_endpoint(&app, &narrow_receiver.url, json!({"event_types": ["tracker.delivered", "cod.collected"]}))
            .await;

    let types = business_types();
    assert_eq!(types.len(), 8);
    let mut sent = Vec::new();
    for (n, event_type) in types.iter().enumerate() {
        let object = object_for(*event_type, n);
        sent.push((enqueue(&app, *event_type, &object).await.to_string(), *event_type, object));
    }
    // A change that rolls back leaves no event behind.
    let mut tx = app.state.db.begin().await.unwrap();
    outbox::enqueue(&mut tx, app.tenant, EventType::ShipmentCreated, &json!({"id": "rolled_back"})).await.unwrap();
    tx.rollback().await.unwrap();

    let settled = settled_deliveries(&app, &all, types.len(), WAIT).await;
    assert!(settled.iter().all(|d| d["status"] == "succeeded" && d["attempts"] == 1 && d["response_status"] == 204));
    let received = py.received();
    assert_eq!(received.len(), types.len(), "exactly once per change: {received:#?}");
    for (id, event_type, object) in &sent {
        let got: Vec<&Value> = received.iter().filter(|r| r["id"] == id.as_str()).collect();
        assert_eq!(got.len(), 1, "{event_type} once");
        let r = got[0];
        assert_eq!(r["valid"], true, "Python rejected {event_type}: {r}");
        assert_eq!(r["type"], event_type.as_str());
        let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["id"], id.as_str(), "the body carries the event id sent as webhook-id");
        assert_eq!(body["type"], event_type.as_str());
        assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(&body["data"]["object"], object, "the full object, byte for byte in meaning");
        assert_eq!(body.as_object().unwrap().len(), 4, "{{id, type, created_at, data}}: {body}");
    }
    assert!(!received.iter().any(|r| r["body"].as_str().unwrap().contains("rolled_back")));

    // The narrow endpoint got its two types only.
    let narrow_settled = settled_deliveries(&app, &narrow, 2, WAIT).await;
    let mut types_got: Vec<_> = narrow_settled.iter().map(|d| d["event_type"].as_str().unwrap().to_owned()).collect();
    types_got.sort();
    assert_eq!(types_got, ["cod.collected", "tracker.delivered"]);
    assert_eq!(narrow_receiver.requests().len(), 2);
    let events = json(app.get("/v1/events?limit=100").await).await;
    assert_eq!(events["data"].as_array().unwrap().len(), types.len(), "no event of the rolled-back change");
}

#[tokio::test]
async fn ping_signatures_survive_rotation_and_a_forged_request_is_rejected() {
    let py = PyReceiver::start();
    let app = dispatching_app(|c| c.webhook_retry_scale = 0.0001).await;
    let (id, first_secret) = create_endpoint(&app, &py.url, json!({"event_types": ["shipment.created"]})).await;
    py.set_secrets(&[&first_secret]);

    let r = app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await;
    assert_eq!(r.status(), 202);
    let queued = json(r).await;
    assert_eq!(queued["event_type"], "webhook.ping");
    let got = py.wait_for(1, WAIT).await;
    assert_eq!(got[0]["valid"], true, "{}", got[0]);
    assert_eq!(got[0]["type"], "webhook.ping");
    assert_eq!(got[0]["id"], queued["event_id"]);
    let ping: Value = serde_json::from_str(got[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(ping["data"]["object"]["id"], id.as_str(), "a ping carries the endpoint");
    assert!(ping["data"]["object"].get("secret").is_none());

    // Rotation with a grace period: both secrets sign, either verifies.
    let rotated = json(app.post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({})).await).await;
    let second_secret = rotated["secret"].as_str().unwrap().to_owned();
    for only in [&second_secret, &first_secret] {
        py.set_secrets(&[only]);
        let before = py.received().len();
        app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await;
        let got = py.wait_for(before + 1, WAIT).await;
        assert_eq!(got[before]["valid"], true, "{}", got[before]);
    }

    // Rotation without grace: the old secret no longer verifies.
    let rotated =
        json(app.post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({"grace_period_secs": 0})).await).await;
    py.set_secrets(&[&second_secret]);
    let before = py.received().len();
    let r = json(app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await).await;
    let got = py.wait_for(before + 1, WAIT).await;
    assert_eq!(got[before]["valid"], false, "signed with the new secret only");
    assert_eq!(got[before]["reason"], "no matching signature");
    // The receiver's 401 is a failed attempt, retried until it verifies.
    py.set_secrets(&[rotated["secret"].as_str().unwrap()]);
    let log = crate::eventually("the ping to succeed after the receiver learns the new secret", WAIT, || async {
        deliveries(&app, &id).await.into_iter().find(|d| d["id"] == r["id"] && d["status"] == "succeeded")
    })
    .await;
    assert!(log["attempts"].as_u64().unwrap() >= 2, "{log}");

    // The verifier is not a rubber stamp: a forged request fails.
    let client = reqwest::Client::new();
    let forged = client
        .post(&py.url)
        .header("webhook-id", "evt_forged")
        .header("webhook-timestamp", chrono::Utc::now().timestamp().to_string())
        .header("webhook-signature", "v1,bm90IGEgc2lnbmF0dXJlIGF0IGFsbCwgc29ycnkgYWJvdXQgdGhhdA==")
        .body("{\"type\":\"shipment.created\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn requests_carry_the_standard_headers() {
    let receiver = Receiver::answering(200).await;
    let app = dispatching_app(|_| {}).await;
    let (id, secret) = create_endpoint(&app, &receiver.url, json!({})).await;
    app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await;
    let got = receiver.wait_for(1, WAIT).await;
    let request = &got[0];
    assert!(request.id.starts_with("evt_"));
    let now = chrono::Utc::now().timestamp();
    assert!((now - request.timestamp).abs() < 300, "timestamp in Unix seconds: {}", request.timestamp);
    assert!(request.user_agent.starts_with("shipgate-webhooks/"));
    // Our own signer agrees (the Python test is the independent check).
    let key = shipgate::webhooks::SigningSecret::parse(&secret).unwrap();
    assert_eq!(request.signature, key.sign(&request.id, request.timestamp, request.body.as_bytes()));
}

/// Deleting an endpoint while a change that emits an event is in flight
/// waits for that change instead of breaking its transaction.
#[tokio::test]
async fn deleting_an_endpoint_never_breaks_a_change_in_flight() {
    let app = crate::common::spawn_app().await;
    let (id, _) = create_endpoint(&app, "http://127.0.0.1:9/hook", json!({})).await;
    let mut tx = app.state.db.begin().await.unwrap();
    let event = outbox::enqueue(&mut tx, app.tenant, EventType::ShipmentCancelled, &json!({"id": "s1"})).await.unwrap();
    let deleting = tokio::spawn({
        let (client, url, key) = (app.client.clone(), app.url(&format!("/v1/webhooks/{id}")), app.api_key.clone());
        async move { client.delete(url).bearer_auth(key).send().await.unwrap().status() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!deleting.is_finished(), "the delete waits for the change to commit");
    tx.commit().await.unwrap();
    assert_eq!(deleting.await.unwrap(), 204);
    let shown = json(app.get(&format!("/v1/events/{event}")).await).await;
    assert_eq!(shown["type"], "shipment.cancelled", "the change and its event committed");
}
