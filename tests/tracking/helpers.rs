//! What the tracking tests share: the tracker of a shipment, refreshes,
//! the statuses an event history went through.

use serde_json::{Value, json};

use crate::common::{TestApp, json};

/// The (only) tracker a booking created.
pub async fn tracker_of(app: &TestApp, shipment_id: &str) -> Value {
    let page = json(app.get(&format!("/v1/trackers?shipment_id={shipment_id}")).await).await;
    let data = page["data"].as_array().expect("a list");
    assert_eq!(data.len(), 1, "one tracker per single-parcel booking: {page}");
    data[0].clone()
}

/// `GET /v1/trackers/{id}?refresh=true`.
pub async fn refreshed(app: &TestApp, id: &str) -> Value {
    let r = app.get(&format!("/v1/trackers/{id}?refresh=true")).await;
    assert_eq!(r.status(), 200);
    json(r).await
}

/// The normalized statuses of a tracker's events, in order, without repeats.
pub fn journey(tracker: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in tracker["events"].as_array().expect("events") {
        let s = e["status"].as_str().unwrap().to_owned();
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    out
}

pub async fn track(app: &TestApp, account: &str, number: &str) -> reqwest::Response {
    app.post("/v1/trackers", &json!({"carrier_account_id": account, "tracking_number": number})).await
}
