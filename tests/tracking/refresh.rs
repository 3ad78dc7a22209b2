//! The refresh worker: replicas share the queue without polling a tracker
//! twice, and each carrier is called as few times as it allows.

use serde_json::{Value, json};
use shipgate::service::tracking::refresh::{Pass, run_once};

use crate::common::{TestApp, json, spawn_replica};
use crate::helpers::track;
use crate::support::{ecotrack_booking, setup};

/// Books `n` Ecotrack parcels with the bulk call (100 at most each).
pub async fn book_ecotrack(app: &TestApp, account: &str, n: usize) -> Vec<String> {
    let mut numbers = Vec::new();
    for start in (0..n).step_by(100) {
        let items: Vec<Value> = (start..n.min(start + 100))
            .map(|i| {
                let mut b = ecotrack_booking(account, &format!("BULK-{i}"));
                b.as_object_mut().unwrap().remove("carrier_account");
                b
            })
            .collect();
        let r = app.post("/v1/shipments/batch", &json!({"carrier_account": account, "shipments": items})).await;
        assert_eq!(r.status(), 200);
        for result in json(r).await["results"].as_array().unwrap() {
            numbers.push(result["shipment"]["carrier_order_id"].as_str().expect("booked").to_owned());
        }
    }
    numbers
}

async fn drain(app: &TestApp, limit: i64) -> Pass {
    let mut total = Pass::default();
    loop {
        let pass = run_once(&app.state, limit).await.expect("a refresh pass");
        if pass.claimed == 0 {
            return total;
        }
        total.claimed += pass.claimed;
        total.updated += pass.updated;
        total.not_found += pass.not_found;
        total.failed += pass.failed;
    }
}

#[tokio::test]
async fn two_replicas_refresh_every_tracker_once_in_the_fewest_calls() {
    let (app, sb) = setup().await;
    let replica = spawn_replica(&app, |_| {}).await;
    book_ecotrack(&app, &sb.ecotrack, 250).await;
    for i in 0..5 {
        let mission = sb.admin_post("/coursier_fr/missions", json!({"reference": format!("M{i}")})).await;
        let r = track(&app, &sb.coursier_fr, mission["MissionNumber"].as_str().unwrap()).await;
        assert_eq!(r.status(), 201);
    }
    let (a, b) = tokio::join!(drain(&app, 100), drain(&replica, 100));
    assert_eq!(a.claimed + b.claimed, 255, "every tracker claimed exactly once: {a:?} {b:?}");
    assert_eq!(a.updated + b.updated, 255);
    assert!(a.claimed > 0 && b.claimed > 0, "both replicas took a share: {a:?} {b:?}");
    assert_eq!(sb.calls("ecotrack", "GET /api/v1/get/orders/status").await, 3, "100 trackings a call");
    assert_eq!(sb.calls("coursier_fr", "POST /v3/tracking.php").await, 1, "every ongoing mission in one call");

    let page = json(app.get("/v1/trackers?limit=100&status=pre_transit").await).await;
    let checked = page["data"].as_array().unwrap();
    assert_eq!(checked.len(), 100);
    assert!(checked.iter().all(|t| t["last_checked_at"].is_string() && t["next_check_at"].is_string()));
    // Nothing is due any more: another pass calls no carrier.
    assert_eq!(drain(&app, 100).await.claimed, 0);
    assert_eq!(sb.calls("ecotrack", "GET /api/v1/get/orders/status").await, 3);
}

#[tokio::test]
async fn an_answer_that_forgets_old_events_deletes_nothing() {
    let (app, sb) = setup().await;
    let numbers = book_ecotrack(&app, &sb.ecotrack, 1).await;
    let page = json(app.get("/v1/trackers").await).await;
    let id = page["data"][0]["id"].as_str().unwrap().to_owned();
    let r =
        app.post(&format!("/v1/shipments/{}/ship", page["data"][0]["shipment_id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(r.status(), 200);
    sb.advance(400 * 60).await;
    drain(&app, 100).await;
    let before = json(app.get(&format!("/v1/trackers/{id}?refresh=true")).await).await;
    let events = before["events"].as_array().unwrap().len();
    assert_eq!(events, 3, "{before}");
    // The carrier now tells another story with fewer events (the parcel was
    // re-planned as cancelled from the start): nothing recorded is lost.
    sb.admin_post("/scenario", json!({"carrier": "ecotrack", "id": numbers[0], "scenario": "cancelled"})).await;
    let after = json(app.get(&format!("/v1/trackers/{id}?refresh=true")).await).await;
    assert_eq!(after["status"], "cancelled", "{after}");
    for event in before["events"].as_array().unwrap() {
        assert!(after["events"].as_array().unwrap().contains(event), "kept: {event}");
    }
}
