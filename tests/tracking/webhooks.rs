//! Tracking webhooks from real changes: parcels moved along their lifecycle
//! send `tracker.updated` once per status change, `tracker.delivered`,
//! `tracker.exception` and `cod.collected` once each, all verified by an
//! independent Standard Webhooks implementation (Python).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{json, spawn_app_with};
use crate::helpers::{refreshed, tracker_of};
use crate::python::PyReceiver;
use crate::sandboxed::accounts;
use crate::support::{book, ecotrack_booking};

async fn wait_until(py: &PyReceiver, what: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = py.received();
        if check(&got) {
            return got;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {got:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn about<'a>(received: &'a [Value], event: &str, tracker: &str) -> Vec<&'a Value> {
    received
        .iter()
        .filter(|r| {
            let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
            r["type"] == event && body["data"]["object"]["id"] == tracker
        })
        .collect()
}

#[tokio::test]
async fn tracking_changes_reach_a_verifying_receiver_once_each() {
    let py = PyReceiver::start();
    let app = spawn_app_with(|c| {
        c.no_workers = false;
        c.webhook_poll_ms = 50;
    })
    .await;
    let sb = accounts(&app).await;
    let types = ["tracker.updated", "tracker.delivered", "tracker.exception", "cod.collected"];
    let created = json(app.post("/v1/webhooks", &json!({"url": py.url, "event_types": types})).await).await;
    py.set_secrets(&[created["secret"].as_str().unwrap()]);

    let cod = book(&app, ecotrack_booking(&sb.ecotrack, "W-1-sbx-cod")).await;
    let stuck = book(&app, ecotrack_booking(&sb.ecotrack, "W-2-sbx-exception")).await;
    let mut ids = Vec::new();
    for shipment in [&cod, &stuck] {
        let sid = shipment["id"].as_str().unwrap();
        assert_eq!(app.post(&format!("/v1/shipments/{sid}/ship"), &json!({})).await.status(), 200);
        ids.push(tracker_of(&app, sid).await["id"].as_str().unwrap().to_owned());
    }
    let mut seen_statuses = [Vec::new(), Vec::new()];
    // Minutes after dispatch at which each is checked.
    for minutes in [0, 200, 400, 1600, 1760, 1900, 3300, 7300] {
        for (i, id) in ids.iter().enumerate() {
            let status = refreshed(&app, id).await["status"].as_str().unwrap().to_owned();
            if seen_statuses[i].last() != Some(&status) {
                seen_statuses[i].push(status);
            }
        }
        sb.advance(next_step(minutes) * 60).await;
    }
    let (cod_id, stuck_id) = (&ids[0], &ids[1]);
    let changes = seen_statuses[0].len() + seen_statuses[1].len();
    let received = wait_until(&py, "every change", |got| got.len() >= changes + 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = if py.received().len() > received.len() { py.received() } else { received };

    assert!(received.iter().all(|r| r["valid"] == true), "Python verified every signature: {received:#?}");
    assert_eq!(about(&received, "tracker.updated", cod_id).len(), seen_statuses[0].len(), "{:?}", seen_statuses[0]);
    assert_eq!(about(&received, "tracker.updated", stuck_id).len(), seen_statuses[1].len(), "{:?}", seen_statuses[1]);
    assert_eq!(about(&received, "tracker.delivered", cod_id).len(), 1);
    assert_eq!(about(&received, "cod.collected", cod_id).len(), 1);
    assert_eq!(about(&received, "tracker.exception", stuck_id).len(), 1);
    assert_eq!(about(&received, "tracker.delivered", stuck_id).len(), 0);
    assert_eq!(received.len(), seen_statuses[0].len() + seen_statuses[1].len() + 3);
    let delivered: Value =
        serde_json::from_str(about(&received, "tracker.delivered", cod_id)[0]["body"].as_str().unwrap()).unwrap();
    let object = &delivered["data"]["object"];
    assert_eq!(object["status"], "delivered");
    assert!(object["events"].as_array().unwrap().len() >= 5, "the full tracker, history included: {object}");
}

/// Minutes to move the clock after the check made at `minutes`.
fn next_step(minutes: i64) -> i64 {
    let steps = [0, 200, 400, 1600, 1760, 1900, 3300, 7300, 7400];
    let i = steps.iter().position(|m| *m == minutes).unwrap();
    steps[i + 1] - steps[i]
}
