//! Retries: a receiver that fails and recovers gets everything, Retry-After
//! is honoured, the whole schedule runs before a delivery fails, manual
//! replays deliver, and redirects, slow and oversized answers are handled.

use std::time::Duration;

use serde_json::{Value, json};
use shipgate::domain::webhook::EventType;

use crate::common::json;
use crate::receiver::{Receiver, Reply, script};
use crate::{create_endpoint, deliveries, dispatching_app, enqueue, eventually, object_for, settled_deliveries};

const WAIT: Duration = Duration::from_secs(40);

async fn detail(app: &crate::common::TestApp, webhook: &str, delivery: &Value) -> Value {
    json(app.get(&format!("/v1/webhooks/{webhook}/deliveries/{}", delivery["id"].as_str().unwrap())).await).await
}

#[tokio::test]
async fn a_receiver_that_fails_then_recovers_gets_everything() {
    // Three failures per event, then success.
    let receiver =
        Receiver::start(script(|_, seen| if seen <= 3 { Reply::Status(500) } else { Reply::Status(200) })).await;
    let app = dispatching_app(|c| c.webhook_retry_scale = 0.0005).await;
    let (id, _) = create_endpoint(&app, &receiver.url, json!({})).await;
    let mut events = Vec::new();
    for n in 0..5 {
        events.push(
            enqueue(&app, EventType::TrackerUpdated, &object_for(EventType::TrackerUpdated, n)).await.to_string(),
        );
    }
    let settled = settled_deliveries(&app, &id, 5, WAIT).await;
    for delivery in &settled {
        assert_eq!(delivery["status"], "succeeded", "{delivery}");
        assert_eq!(delivery["attempts"], 4, "{delivery}");
        assert_eq!(delivery["response_status"], 200);
        assert_eq!(delivery["error"], json!(null));
        assert_eq!(delivery["next_attempt_at"], json!(null));
    }
    let requests = receiver.requests();
    for event in &events {
        let mine: Vec<_> = requests.iter().filter(|r| &r.id == event).collect();
        assert_eq!(mine.len(), 4, "{event}: three failures then one success");
        assert!(mine.windows(2).all(|w| w[0].body == w[1].body), "every retry sends the same bytes");
        assert!(mine.windows(2).all(|w| w[0].at < w[1].at));
    }
    let one = detail(&app, &id, &settled[0]).await;
    let log = one["attempt_log"].as_array().unwrap();
    let statuses: Vec<_> = log.iter().map(|a| a["response_status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [500, 500, 500, 200]);
    let numbers: Vec<_> = log.iter().map(|a| a["attempt"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(log[0]["error"], "HTTP 500");
    assert!(log.iter().all(|a| a["latency_ms"].is_u64()));
    assert_eq!(one["event"]["id"], one["event_id"]);
    let endpoint = json(app.get(&format!("/v1/webhooks/{id}")).await).await;
    assert_eq!(endpoint["failing_since"], json!(null), "healthy again after a success");
}

#[tokio::test]
async fn retry_after_pushes_the_next_attempt_later() {
    let receiver =
        Receiver::start(script(|_, seen| if seen == 1 { Reply::RetryAfter(503, 2) } else { Reply::Status(200) })).await;
    let app = dispatching_app(|c| c.webhook_retry_scale = 0.0001).await;
    let (id, _) = create_endpoint(&app, &receiver.url, json!({})).await;
    enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, 1)).await;
    let got = receiver.wait_for(2, WAIT).await;
    let gap = got[1].at - got[0].at;
    // The schedule alone would retry after 0.5 ms; the receiver asked for 2 s.
    assert!(gap >= Duration::from_millis(1900), "retried after {gap:?}");
    let settled = settled_deliveries(&app, &id, 1, WAIT).await;
    assert_eq!(settled[0]["attempts"], 2);
}

#[tokio::test]
async fn the_whole_schedule_runs_before_a_delivery_fails_and_replays_deliver_it() {
    let receiver = Receiver::answering(500).await;
    // About 5.4 s for the whole three-day schedule.
    let app = dispatching_app(|c| c.webhook_retry_scale = 0.00002).await;
    let (id, _) = create_endpoint(&app, &receiver.url, json!({})).await;
    let event = enqueue(&app, EventType::PickupConfirmed, &object_for(EventType::PickupConfirmed, 1)).await.to_string();
    let settled = settled_deliveries(&app, &id, 1, WAIT).await;
    let failed = &settled[0];
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["attempts"], 10);
    assert_eq!(failed["error"], "HTTP 500");
    assert_eq!(failed["next_attempt_at"], json!(null));
    assert!(failed["completed_at"].is_string());
    let log = detail(&app, &id, failed).await;
    assert_eq!(log["attempt_log"].as_array().unwrap().len(), 10);
    assert_eq!(receiver.requests().len(), 10);

    // The receiver is fixed: replay the delivery, then the event.
    receiver.set_script(script(|_, _| Reply::Status(200)));
    let r =
        app.post(&format!("/v1/webhooks/{id}/deliveries/{}/replay", failed["id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(r.status(), 202);
    let replay = json(r).await;
    assert_eq!(replay["replay_of"], failed["id"]);
    assert_eq!(replay["event_id"], event.as_str());
    let done = eventually("the replay to succeed", WAIT, || async {
        deliveries(&app, &id).await.into_iter().find(|d| d["id"] == replay["id"] && d["status"] == "succeeded")
    })
    .await;
    assert_eq!(done["attempts"], 1);
    let r = app.post(&format!("/v1/events/{event}/replay"), &json!({"webhook_id": id})).await;
    assert_eq!(r.status(), 202);
    let requests = receiver.wait_for(12, WAIT).await;
    assert!(requests.iter().all(|r| r.id == event), "replays keep the event id as webhook-id");
    assert_eq!(receiver.requests().len(), 12);
}

#[tokio::test]
async fn redirects_slow_answers_and_big_answers_are_handled() {
    let target = Receiver::answering(200).await;
    let redirecting = Receiver::start(script({
        let to = target.url.clone();
        move |_, _| Reply::Redirect(to.clone())
    }))
    .await;
    let slow = Receiver::start(script(|_, _| Reply::Hold)).await;
    let big = Receiver::start(script(|_, _| Reply::Big(1024 * 1024))).await;
    let binary = Receiver::start(script(|_, _| Reply::Raw(b"ok\0\xff\xfe done"))).await;
    let app = dispatching_app(|c| {
        c.webhook_timeout_secs = 1;
        c.webhook_lease_secs = 6;
    })
    .await;
    let mut first_attempts = Vec::new();
    for receiver in [&redirecting, &slow, &big, &binary] {
        let (id, _) = create_endpoint(&app, &receiver.url, json!({})).await;
        app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await;
        let delivery = eventually("a first attempt", WAIT, || async {
            deliveries(&app, &id).await.into_iter().find(|d| d["response_status"].is_u64() || d["error"].is_string())
        })
        .await;
        first_attempts.push(detail(&app, &id, &delivery).await["attempt_log"][0].clone());
    }
    let [redirect, timeout, large, raw] = &first_attempts[..] else { unreachable!() };
    assert_eq!(redirect["response_status"], 302);
    assert!(redirect["error"].as_str().unwrap().contains("redirects are not followed"), "{redirect}");
    assert!(target.requests().is_empty(), "the redirect was not followed");
    assert_eq!(timeout["response_status"], json!(null));
    assert_eq!(timeout["error"], "no answer within 1 s");
    assert!(timeout["latency_ms"].as_u64().unwrap() >= 1000);
    assert_eq!(large["succeeded"], true);
    assert_eq!(large["response_truncated"], true);
    assert_eq!(large["response_body"].as_str().unwrap().len(), 64 * 1024);
    // NUL and invalid UTF-8 in an answer are kept readable, never a broken record.
    assert_eq!(raw["succeeded"], true, "{raw}");
    assert_eq!(raw["response_body"], "ok\u{fffd}\u{fffd}\u{fffd} done");
}

#[tokio::test]
async fn fixing_the_url_sends_what_waits_for_a_retry_at_once() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // Retries hours apart: only the fix can bring the delivery within the test.
    let app = dispatching_app(|c| c.webhook_retry_scale = 100.0).await;
    let (id, _) = create_endpoint(&app, &format!("http://127.0.0.1:{closed_port}/hook"), json!({})).await;
    enqueue(&app, EventType::ShipmentCancelled, &object_for(EventType::ShipmentCancelled, 1)).await;
    let failed = eventually("a failed first attempt", WAIT, || async {
        deliveries(&app, &id).await.into_iter().find(|d| d["error"].is_string())
    })
    .await;
    assert!(failed["error"].as_str().unwrap().starts_with("cannot connect"), "{failed}");
    assert_eq!(failed["status"], "pending");
    let endpoint = json(app.get(&format!("/v1/webhooks/{id}")).await).await;
    assert!(endpoint["failing_since"].is_string(), "{endpoint}");

    let receiver = Receiver::answering(200).await;
    let fixed = json(app.patch(&format!("/v1/webhooks/{id}"), &json!({"url": receiver.url})).await).await;
    assert_eq!(fixed["failing_since"], json!(null), "a new URL starts afresh");
    receiver.wait_for(1, WAIT).await;
    let settled = settled_deliveries(&app, &id, 1, WAIT).await;
    assert_eq!(settled[0]["status"], "succeeded");
    assert_eq!(settled[0]["attempts"], 2);
}
