//! Shipment webhooks from real changes: a real receiver gets
//! `shipment.created`, `shipment.label_ready` (fetched in the background
//! until the carrier has it), `pickup.confirmed` (asked again in the
//! background until the carrier confirms) and `shipment.cancelled`, each
//! exactly once per change, carrying the object as the API shows it.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{TestApp, json, spawn_app_with};
use crate::receiver::{Received, Receiver};
use crate::sandboxed::{Sandboxed, accounts};
use crate::support::{book, books, london, nice, parcel, post_with_key, toulouse};

async fn app_with_workers() -> (TestApp, Sandboxed) {
    let app = spawn_app_with(|c| {
        c.no_workers = false;
        c.webhook_poll_ms = 50;
        c.followup_interval_secs = 1;
    })
    .await;
    let sb = accounts(&app).await;
    (app, sb)
}

fn of_type<'a>(received: &'a [Received], event: &str, object_id: &str) -> Vec<&'a Received> {
    received.iter().filter(|r| r.json["type"] == event && r.json["data"]["object"]["id"] == object_id).collect()
}

/// Waits until the receiver holds `event` about `object_id`.
async fn wait_event(receiver: &Receiver, event: &str, object_id: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = of_type(&receiver.requests(), event, object_id).first() {
            return found.json.clone();
        }
        assert!(Instant::now() < deadline, "no {event} about {object_id} within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn each_shipment_change_reaches_a_real_receiver_once() {
    let (app, sb) = app_with_workers().await;
    let receiver = Receiver::answering(200).await;
    let created = json(app.post("/v1/webhooks", &json!({"url": receiver.url})).await).await;
    assert!(created["id"].as_str().unwrap().starts_with("wh_"), "{created}");

    // Booked with a delayed pickup: created now, label when the carrier has it.
    let mut export_parcel = parcel();
    export_parcel["customs"] = books();
    let shipment = book(
        &app,
        json!({"carrier_account": sb.myflyingbox, "service": "dhl_worldwide_express", "shipper": toulouse(),
               "recipient": london(), "parcels": [export_parcel], "options": {"delayed_pickup": true}}),
    )
    .await;
    let sid = shipment["id"].as_str().unwrap().to_owned();
    let announced = wait_event(&receiver, "shipment.created", &sid, Duration::from_secs(10)).await;
    assert_eq!(announced["data"]["object"]["status"], "booked");
    assert_eq!(announced["data"]["object"]["carrier_order_id"], shipment["carrier_order_id"]);
    assert!(announced["id"].as_str().unwrap().starts_with("evt_"));

    // My Flying Box has no label for a while; the worker keeps asking.
    sb.advance(60).await;
    wait_event(&receiver, "shipment.label_ready", &sid, Duration::from_secs(20)).await;
    let label = app.get(&format!("/v1/shipments/{sid}/label")).await;
    assert_eq!(label.status(), 200);
    assert!(sb.calls("myflyingbox", "GET /orders/{id}/labels").await >= 1);

    // The pickup is confirmed by the carrier later; the worker notices.
    let ask = json!({"shipment_id": sid, "collection_date": "2030-01-15"});
    let pickup = json(post_with_key(&app, "/v1/pickups", "pickup-events", &ask).await).await;
    assert_eq!(pickup["status"], "requested");
    let pid = pickup["id"].as_str().unwrap().to_owned();
    sb.advance(31 * 60).await;
    let confirmed = wait_event(&receiver, "pickup.confirmed", &pid, Duration::from_secs(30)).await;
    assert_eq!(confirmed["data"]["object"]["status"], "confirmed");
    assert_eq!(confirmed["data"]["object"]["shipment_id"], sid.as_str());
    // Reading it now answers from Postgres and announces nothing new.
    assert_eq!(json(app.get(&format!("/v1/pickups/{pid}")).await).await["status"], "confirmed");

    // Another shipment, cancelled.
    let other = book(
        &app,
        json!({"carrier_account": sb.myflyingbox, "service": "colissimo_home", "shipper": toulouse(),
               "recipient": nice(), "parcels": [parcel()]}),
    )
    .await;
    let oid = other["id"].as_str().unwrap().to_owned();
    let r = app.post(&format!("/v1/shipments/{oid}/cancel"), &json!({})).await;
    assert_eq!(r.status(), 200);
    let r = app.post(&format!("/v1/shipments/{oid}/cancel"), &json!({})).await;
    assert_eq!(r.status(), 200, "cancelling twice is a no-op");
    let cancelled = wait_event(&receiver, "shipment.cancelled", &oid, Duration::from_secs(10)).await;
    assert_eq!(cancelled["data"]["object"]["status"], "cancelled");

    // Let any duplicate arrive, then count: one event per change.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = receiver.requests();
    for (event, id) in [
        ("shipment.created", sid.as_str()),
        ("shipment.label_ready", sid.as_str()),
        ("pickup.confirmed", pid.as_str()),
        ("shipment.created", oid.as_str()),
        ("shipment.cancelled", oid.as_str()),
    ] {
        let got = of_type(&all, event, id);
        let ids: std::collections::HashSet<_> = got.iter().map(|r| r.id.clone()).collect();
        assert_eq!(ids.len(), 1, "{event} about {id} once, got {}", got.len());
    }
    assert!(of_type(&all, "shipment.label_ready", &oid).len() <= 1);
    assert!(all.iter().all(|r| r.signature.starts_with("v1,")), "every delivery is signed");
}
