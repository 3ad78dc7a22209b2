//! Never book twice: Idempotency-Key replays, mismatches and concurrent
//! duplicates; lost answers found again by our reference (on retry and by
//! the recovery worker); My Flying Box's unsearchable losses needing
//! attention; transient and unreadable answers.

use serde_json::{Value, json};
use shipgate::service::shipments::recovery;

use crate::common::{assert_problem, json};
use crate::support::{alger, ecotrack_booking, ecourier_booking, nice, parcel, post_with_key, quote, setup, toulouse};

#[tokio::test]
async fn same_key_replays_other_body_is_refused_concurrent_duplicate_conflicts() {
    let (app, sb) = setup().await;
    let body = ecotrack_booking(&sb.ecotrack, "IDEM-1");
    let first = post_with_key(&app, "/v1/shipments", "order-1042", &body).await;
    assert_eq!(first.status(), 201);
    let first = json(first).await;
    let replay = post_with_key(&app, "/v1/shipments", "order-1042", &body).await;
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(json(replay).await, first);
    let mut other = body.clone();
    other["reference"] = json!("IDEM-2");
    assert_problem(post_with_key(&app, "/v1/shipments", "order-1042", &other).await, 422, "idempotency_key_reused")
        .await;
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/order").await, 1);

    // Two requests with one key at once: one books, the other is told to wait.
    sb.faults("ecotrack", json!({"latency_ms": 3000})).await;
    let (a, b) = tokio::join!(
        post_with_key(&app, "/v1/shipments", "order-1043", &other),
        post_with_key(&app, "/v1/shipments", "order-1043", &other)
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let conflict = if a.status() == 409 { a } else { b };
    assert_problem(conflict, 409, "idempotency_request_in_progress").await;
    assert_eq!(sb.orders("ecotrack").await.len(), 2);
}

async fn lost_answer_is_found_again(carrier: &str, body: Value, create_endpoint: &str) {
    let (app, sb) = setup().await;
    let body = match carrier {
        "ecotrack" => ecotrack_booking(&sb.ecotrack, "LOST-1"),
        _ => {
            let mut b = body;
            b["carrier_account"] = json!(sb.ecourier);
            b
        }
    };
    sb.faults(carrier, json!({"lose_create_answers": 1})).await;
    let r = post_with_key(&app, "/v1/shipments", "lost-1", &body).await;
    assert_eq!(r.headers()["retry-after"], "5");
    let problem = assert_problem(r, 503, "carrier_outcome_unknown").await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    let pending = json(app.get(&format!("/v1/shipments/{id}")).await).await;
    assert_eq!(pending["status"], "booking");
    assert_eq!(pending["last_error"]["code"], "carrier_outcome_unknown");
    assert_eq!(sb.orders(carrier).await.len(), 1, "the carrier did create it");

    let r = post_with_key(&app, "/v1/shipments", "lost-1", &body).await;
    assert_eq!(r.status(), 201);
    let found = json(r).await;
    assert_eq!(found["id"], id.as_str());
    assert_eq!(found["status"], "booked");
    assert!(found["carrier_order_id"].is_string());
    assert_eq!(sb.calls(carrier, create_endpoint).await, 1, "found again, never sent twice");
    assert_eq!(sb.orders(carrier).await.len(), 1);
    assert_eq!(sb.admin_get("/stats").await["faults"][carrier]["lost_create_answer"], 1);
}

#[tokio::test]
async fn a_lost_e_courier_answer_is_found_by_our_order_number() {
    lost_answer_is_found_again("ecourier", ecourier_booking("", "Rush"), "POST /SaveOrder").await;
}

#[tokio::test]
async fn a_lost_ecotrack_answer_is_found_by_our_reference_in_the_order_list() {
    lost_answer_is_found_again("ecotrack", json!({}), "POST /api/v1/create/order").await;
}

#[tokio::test]
async fn a_lost_my_flying_box_answer_needs_attention_and_is_never_resent() {
    let (app, sb) = setup().await;
    let body = json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel(), parcel()]});
    sb.faults("myflyingbox", json!({"lose_create_answers": 1})).await;
    let problem =
        assert_problem(post_with_key(&app, "/v1/shipments", "mfb-lost", &body).await, 503, "carrier_outcome_unknown")
            .await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    let problem =
        assert_problem(post_with_key(&app, "/v1/shipments", "mfb-lost", &body).await, 409, "booking_needs_attention")
            .await;
    assert_eq!(problem["shipment_id"], id.as_str());
    let shipment = json(app.get(&format!("/v1/shipments/{id}")).await).await;
    assert_eq!(shipment["status"], "needs_attention");
    assert!(shipment["attention_reason"].as_str().unwrap().contains("My Flying Box documents no search"), "{shipment}");
    // Still one order upstream, whatever is retried.
    assert_problem(post_with_key(&app, "/v1/shipments", "mfb-lost", &body).await, 409, "booking_needs_attention").await;
    assert_eq!(sb.calls("myflyingbox", "POST /orders/automatic").await, 1);
    let orders = sb.orders("myflyingbox").await;
    assert_eq!(orders.len(), 1);

    // The merchant checks the carrier and settles it.
    let order = orders[0]["id"].as_str().unwrap();
    let r = app.post(&format!("/v1/shipments/{id}/resolve"), &json!({"outcome": "booked"})).await;
    assert_problem(r, 422, "validation_failed").await;
    let resolved = json(
        app.post(&format!("/v1/shipments/{id}/resolve"), &json!({"outcome": "booked", "carrier_order_id": order}))
            .await,
    )
    .await;
    assert_eq!(resolved["status"], "booked");
    assert_eq!(resolved["parcels"][1]["tracking_number"], order);
    let r = app.post(&format!("/v1/shipments/{id}/resolve"), &json!({"outcome": "not_booked"})).await;
    assert_problem(r, 409, "shipment_not_in_attention").await;
    // The booked shipment now cancels like any other.
    assert_eq!(json(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await).await["status"], "cancelled");
}

#[tokio::test]
async fn the_recovery_worker_finds_a_lost_booking_without_any_retry() {
    let (app, sb) = setup().await;
    sb.faults("ecotrack", json!({"lose_create_answers": 1})).await;
    let problem = assert_problem(
        post_with_key(&app, "/v1/shipments", "w-1", &ecotrack_booking(&sb.ecotrack, "W-1")).await,
        503,
        "carrier_outcome_unknown",
    )
    .await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    let pass = recovery::run_once(&app.state).await.unwrap();
    assert_eq!(pass, recovery::Pass { booked: 1, ..Default::default() });
    let shipment = json(app.get(&format!("/v1/shipments/{id}")).await).await;
    assert_eq!(shipment["status"], "booked");
    assert_eq!(shipment["carrier_order_id"], sb.orders("ecotrack").await[0]["id"]);
    // Nothing left to do; the client's retry answers the booked shipment.
    assert_eq!(recovery::run_once(&app.state).await.unwrap(), recovery::Pass::default());
    let r = post_with_key(&app, "/v1/shipments", "w-1", &ecotrack_booking(&sb.ecotrack, "W-1")).await;
    assert_eq!(json(r).await["id"], id.as_str());
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/order").await, 1);
}

/// Reference data cached first, so that only the create call meets the fault.
async fn warm_ecotrack_cache(app: &crate::common::TestApp, sb: &crate::sandboxed::Sandboxed) {
    quote(app, json!({"shipper": alger(), "recipient": {"country": "DZ", "state": "16", "city": "Hydra"}, "parcels": [parcel()], "carrier_accounts": [sb.ecotrack]})).await;
}

#[tokio::test]
async fn a_request_that_never_arrived_is_not_booked_until_retried() {
    let (app, sb) = setup().await;
    warm_ecotrack_cache(&app, &sb).await;
    sb.faults("ecotrack", json!({"drop_rate": 1.0})).await;
    let body = ecotrack_booking(&sb.ecotrack, "DROP-1");
    let problem =
        assert_problem(post_with_key(&app, "/v1/shipments", "drop-1", &body).await, 503, "carrier_outcome_unknown")
            .await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    sb.admin_put("/faults/ecotrack", json!({})).await;
    // The worker looks, finds nothing, and books nothing itself.
    let pass = recovery::run_once(&app.state).await.unwrap();
    assert_eq!(pass, recovery::Pass { not_booked: 1, ..Default::default() });
    let shipment = json(app.get(&format!("/v1/shipments/{id}")).await).await;
    assert_eq!(shipment["status"], "failed");
    assert_eq!(shipment["last_error"]["code"], "not_booked");
    assert_eq!(shipment["last_error"]["retryable"], true);
    assert_eq!(sb.orders("ecotrack").await.len(), 0);
    // The client's retry books it, once, on the same shipment.
    let r = post_with_key(&app, "/v1/shipments", "drop-1", &body).await;
    assert_eq!(r.status(), 201);
    let booked = json(r).await;
    assert_eq!(booked["id"], id.as_str());
    assert_eq!(booked["booking_attempts"], 2);
    assert_eq!(sb.orders("ecotrack").await.len(), 1);
}

#[tokio::test]
async fn carrier_failures_and_unreadable_answers_are_retried_on_the_same_shipment() {
    let (app, sb) = setup().await;
    warm_ecotrack_cache(&app, &sb).await;
    // A 5xx: the carrier said it failed; the retry books on the same shipment.
    sb.faults("ecotrack", json!({"fail_next": 1})).await;
    let body = ecotrack_booking(&sb.ecotrack, "FAIL-1");
    let r = post_with_key(&app, "/v1/shipments", "fail-1", &body).await;
    assert!(r.headers().contains_key("retry-after"));
    let problem = assert_problem(r, 503, "carrier_unavailable").await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    let failed = json(app.get(&format!("/v1/shipments/{id}")).await).await;
    assert_eq!((failed["status"].as_str(), failed["last_error"]["retryable"].as_bool()), (Some("failed"), Some(true)));
    let booked = json(post_with_key(&app, "/v1/shipments", "fail-1", &body).await).await;
    assert_eq!((booked["id"].as_str(), booked["status"].as_str()), (Some(id.as_str()), Some("booked")));

    // An unreadable 200: the order may exist, so the retry looks before it books.
    sb.faults("ecotrack", json!({"malformed_rate": 1.0})).await;
    let body = ecotrack_booking(&sb.ecotrack, "GARBLED-1");
    let problem =
        assert_problem(post_with_key(&app, "/v1/shipments", "garbled-1", &body).await, 502, "carrier_bad_response")
            .await;
    let id = problem["shipment_id"].as_str().unwrap().to_owned();
    assert_eq!(json(app.get(&format!("/v1/shipments/{id}")).await).await["status"], "booking");
    sb.admin_put("/faults/ecotrack", json!({})).await;
    let lists_before = sb.calls("ecotrack", "GET /api/v1/get/orders").await;
    let booked = json(post_with_key(&app, "/v1/shipments", "garbled-1", &body).await).await;
    assert_eq!((booked["id"].as_str(), booked["status"].as_str()), (Some(id.as_str()), Some("booked")));
    assert_eq!(sb.calls("ecotrack", "GET /api/v1/get/orders").await, lists_before + 1);
    assert_eq!(sb.orders("ecotrack").await.len(), 2);
}

#[tokio::test]
async fn a_lost_bulk_answer_is_found_again_item_by_item() {
    let (app, sb) = setup().await;
    warm_ecotrack_cache(&app, &sb).await;
    let item = |reference: &str| {
        let mut b = ecotrack_booking(&sb.ecotrack, reference);
        b.as_object_mut().unwrap().remove("carrier_account");
        b
    };
    let body = json!({"carrier_account": sb.ecotrack, "shipments": [item("BULK-1"), item("BULK-2"), item("BULK-3")]});
    sb.faults("ecotrack", json!({"lose_create_answers": 1})).await;
    let problem = assert_problem(
        post_with_key(&app, "/v1/shipments/batch", "bulk-1", &body).await,
        503,
        "carrier_outcome_unknown",
    )
    .await;
    assert_eq!(problem["shipment_ids"].as_array().unwrap().len(), 3);
    assert_eq!(sb.orders("ecotrack").await.len(), 3, "the carrier created all three");
    let r = post_with_key(&app, "/v1/shipments/batch", "bulk-1", &body).await;
    assert_eq!(r.status(), 200);
    let results = json(r).await["results"].as_array().unwrap().clone();
    assert!(results.iter().all(|r| r["shipment"]["status"] == "booked"), "{results:?}");
    let ids: Vec<&Value> = results.iter().map(|r| &r["shipment"]["id"]).collect();
    assert_eq!(ids, problem["shipment_ids"].as_array().unwrap().iter().collect::<Vec<_>>());
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/orders").await, 1);
    assert_eq!(sb.orders("ecotrack").await.len(), 3, "none booked twice");
}

#[tokio::test]
async fn a_key_forgotten_after_a_day_starts_a_new_shipment() {
    let (app, sb) = setup().await;
    let first =
        json(post_with_key(&app, "/v1/shipments", "reused", &ecotrack_booking(&sb.ecotrack, "DAY-1")).await).await;
    // A day later the key is free again (the idempotency record has expired).
    sqlx::query("UPDATE shipments SET created_at = created_at - interval '25 hours'")
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE idempotency_keys SET expires_at = now() - interval '1 hour'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = post_with_key(&app, "/v1/shipments", "reused", &ecotrack_booking(&sb.ecotrack, "DAY-2")).await;
    assert_eq!(r.status(), 201);
    let second = json(r).await;
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["reference"], "DAY-2");
    assert_eq!(sb.orders("ecotrack").await.len(), 2);
}
