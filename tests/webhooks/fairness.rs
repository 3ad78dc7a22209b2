//! One slow receiver cannot take every sending slot: requests in flight to
//! one endpoint are capped, so other endpoints are served meanwhile.

use std::time::Duration;

use serde_json::json;
use shipgate::domain::webhook::EventType;

use crate::receiver::{Receiver, Reply, script};
use crate::{create_endpoint, dispatching_app, enqueue, object_for};

#[tokio::test]
async fn a_slow_endpoint_does_not_hold_back_the_others() {
    let slow = Receiver::start(script(|_, _| Reply::Hold)).await;
    let fast = Receiver::answering(200).await;
    let app = dispatching_app(|c| {
        c.webhook_concurrency = 4;
        c.webhook_endpoint_concurrency = 2;
        c.webhook_timeout_secs = 20;
        c.webhook_lease_secs = 25;
    })
    .await;
    create_endpoint(&app, &slow.url, json!({"event_types": ["shipment.created"]})).await;
    create_endpoint(&app, &fast.url, json!({"event_types": ["tracker.delivered"]})).await;
    for n in 0..10 {
        enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, n)).await;
    }
    slow.wait_for(2, Duration::from_secs(20)).await;
    enqueue(&app, EventType::TrackerDelivered, &object_for(EventType::TrackerDelivered, 1)).await;
    let served = fast.wait_for(1, Duration::from_secs(15)).await;
    // The slow receiver holds every request for 20 s: only the capped two
    // can have reached it before the fast endpoint was served.
    let slow_before = slow.requests().iter().filter(|r| r.at < served[0].at).count();
    assert_eq!(slow_before, 2, "two requests in flight to the slow endpoint, no more");
}
