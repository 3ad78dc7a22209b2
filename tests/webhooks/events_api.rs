//! `/v1/events`: the account's events as webhooks carry them, filtered and
//! paged, and replayed to the endpoints subscribed today.

use serde_json::json;
use shipgate::domain::webhook::EventType;

use crate::common::{assert_problem, json, spawn_app};
use crate::{create_endpoint, deliveries, enqueue, object_for};

#[tokio::test]
async fn events_are_listed_filtered_shown_and_replayed() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, n)).await);
    }
    let delivered = enqueue(&app, EventType::TrackerDelivered, &object_for(EventType::TrackerDelivered, 9)).await;

    let page = json(app.get("/v1/events?limit=2").await).await;
    let first: Vec<_> = page["data"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
    assert_eq!(first, [json!(delivered.to_string()), json!(ids[2].to_string())]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = json(app.get(&format!("/v1/events?limit=2&cursor={cursor}")).await).await;
    assert_eq!(next["data"].as_array().unwrap().len(), 2);

    let only = json(app.get("/v1/events?type=tracker.delivered").await).await;
    assert_eq!(only["data"].as_array().unwrap().len(), 1);
    assert_eq!(only["data"][0]["data"]["object"]["id"], "tracker_9");
    assert_problem(app.get("/v1/events?type=tracker.lost").await, 400, "invalid_query").await;

    let one = json(app.get(&format!("/v1/events/{delivered}")).await).await;
    assert_eq!(one["type"], "tracker.delivered");
    assert_eq!(one["id"], delivered.to_string());
    let other = app.key_for("globex").await;
    assert_problem(app.get_as(&other, &format!("/v1/events/{delivered}")).await, 404, "not_found").await;
    assert_eq!(json(app.get_as(&other, "/v1/events").await).await["data"], json!([]));

    // Replay goes to the endpoints subscribed today (created after the event).
    let (all, _) = create_endpoint(&app, "http://127.0.0.1:9/all", json!({})).await;
    let (tracking, _) =
        create_endpoint(&app, "http://127.0.0.1:9/t", json!({"event_types": ["tracker.delivered"]})).await;
    let (shipping, _) =
        create_endpoint(&app, "http://127.0.0.1:9/s", json!({"event_types": ["shipment.created"]})).await;
    let r = app.client.post(app.url(&format!("/v1/events/{delivered}/replay"))).bearer_auth(&app.api_key).send().await;
    let replayed = json(r.unwrap()).await;
    let mut targets: Vec<_> = replayed["data"].as_array().unwrap().iter().map(|d| d["webhook_id"].clone()).collect();
    targets.sort_by_key(|t| t.to_string());
    let mut expected = vec![json!(all), json!(tracking)];
    expected.sort_by_key(|t| t.to_string());
    assert_eq!(targets, expected);
    assert!(deliveries(&app, &shipping).await.is_empty());
    let r = app.post(&format!("/v1/events/{delivered}/replay"), &json!({"webhook_id": "wh_nope"})).await;
    assert_problem(r, 422, "invalid_body").await;
    let r = app.post(&format!("/v1/events/{delivered}/replay"), &json!({"webhook_id": shipping})).await;
    assert_eq!(json(r).await["data"][0]["webhook_id"], json!(shipping), "an explicit endpoint gets it regardless");
}

#[tokio::test]
async fn events_past_their_retention_are_purged_with_their_deliveries() {
    let app = spawn_app().await;
    let (webhook, _) = create_endpoint(&app, "http://127.0.0.1:9/hook", json!({})).await;
    let old = enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, 1)).await;
    let recent = enqueue(&app, EventType::ShipmentCreated, &object_for(EventType::ShipmentCreated, 2)).await;
    sqlx::query("UPDATE webhook_events SET created_at = now() - interval '31 days' WHERE id = $1")
        .bind(old.uuid())
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(deliveries(&app, &webhook).await.len(), 2);
    // A dispatcher purges when it starts (its receiver is unreachable: nothing is delivered).
    let _dispatcher = crate::common::spawn_replica(&app, |c| c.no_workers = false).await;
    crate::eventually("the old event to be purged", std::time::Duration::from_secs(20), || async {
        (app.get(&format!("/v1/events/{old}")).await.status() == 404).then_some(())
    })
    .await;
    assert_eq!(app.get(&format!("/v1/events/{recent}")).await.status(), 200);
    let left = deliveries(&app, &webhook).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["event_id"], recent.to_string());
}
