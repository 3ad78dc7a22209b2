//! Endpoint management: create, read, list, change, delete; secrets shown
//! once; hostile input answered with problems.

use serde_json::json;

use crate::common::{assert_problem, json, spawn_app};
use crate::create_endpoint;

#[tokio::test]
async fn an_endpoint_is_created_shown_without_its_secret_changed_and_deleted() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/hook", "description": "  Orders  ", "event_types": ["tracker.delivered", "shipment.created", "tracker.delivered"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = json(response).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("wh_"), "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{created}");
    assert_eq!(created["description"], "Orders");
    assert_eq!(created["event_types"], json!(["shipment.created", "tracker.delivered"]));
    assert_eq!(created["enabled"], true);
    assert_eq!(created["disabled"], json!(null));

    let shown = json(app.get(&format!("/v1/webhooks/{id}")).await).await;
    assert!(shown.get("secret").is_none(), "the secret is shown once: {shown}");
    assert!(!shown.to_string().contains(&secret[6..]), "{shown}");
    assert_eq!(shown["url"], "http://127.0.0.1:9/hook");

    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"event_types": null, "description": null})).await;
    let changed = json(r).await;
    assert_eq!(changed["event_types"], json!(null), "null means every type");
    assert_eq!(changed["description"], json!(null));

    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"enabled": false})).await;
    let disabled = json(r).await;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["disabled"]["reason"], "manual");
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"enabled": true})).await;
    assert_eq!(json(r).await["disabled"], json!(null));

    // Another tenant sees nothing of it.
    let other = app.key_for("globex").await;
    let r = app.get_as(&other, &format!("/v1/webhooks/{id}")).await;
    assert_problem(r, 404, "not_found").await;
    let list = json(app.get_as(&other, "/v1/webhooks").await).await;
    assert_eq!(list["data"], json!([]));

    let r = app.delete(&format!("/v1/webhooks/{id}")).await;
    assert_eq!(r.status(), 204);
    assert_problem(app.get(&format!("/v1/webhooks/{id}")).await, 404, "not_found").await;
    assert_problem(app.delete(&format!("/v1/webhooks/{id}")).await, 404, "not_found").await;
}

#[tokio::test]
async fn endpoints_are_listed_newest_first_with_a_cursor() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(create_endpoint(&app, &format!("http://127.0.0.1:9/hook{n}"), json!({})).await.0);
    }
    let first = json(app.get("/v1/webhooks?limit=3").await).await;
    let page: Vec<_> = first["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(page, [ids[4].clone(), ids[3].clone(), ids[2].clone()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = json(app.get(&format!("/v1/webhooks?limit=3&cursor={cursor}")).await).await;
    let rest: Vec<_> =
        second["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(rest, [ids[1].clone(), ids[0].clone()]);
    assert!(second.get("next_cursor").is_none());
    assert_problem(app.get("/v1/webhooks?cursor=garbage").await, 400, "invalid_query").await;
}

#[tokio::test]
async fn a_rotated_secret_is_shown_once_and_a_custom_one_is_kept() {
    let app = spawn_app().await;
    let own = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (id, secret) = create_endpoint(&app, "http://127.0.0.1:9/hook", json!({"secret": own})).await;
    assert_eq!(secret, own);
    // No body at all is fine.
    let r =
        app.client.post(app.url(&format!("/v1/webhooks/{id}/rotate-secret"))).bearer_auth(&app.api_key).send().await;
    let rotated = json(r.unwrap()).await;
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != own);
    assert!(rotated["previous_secret_expires_at"].is_string(), "{rotated}");
    let r = app.post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({"grace_period_secs": 0})).await;
    assert_eq!(json(r).await["previous_secret_expires_at"], json!(null));
    let r = app.post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({"grace_period_secs": 10_000_000})).await;
    assert_problem(r, 422, "validation_failed").await;
    let r = app.post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({"secret": "whsec_short"})).await;
    assert_problem(r, 422, "validation_failed").await;
}

#[tokio::test]
async fn hostile_input_gets_problems_and_stores_nothing() {
    let app = spawn_app().await;
    let raw = app
        .client
        .post(app.url("/v1/webhooks"))
        .bearer_auth(&app.api_key)
        .header("content-type", "application/json")
        .body("{\"url\": ")
        .send()
        .await
        .unwrap();
    assert_problem(raw, 400, "invalid_json").await;
    let cases = [
        (json!({"url": 42}), "invalid_body"),
        (json!({"url": "http://127.0.0.1:9/", "event_types": ["shipment.exploded"]}), "invalid_body"),
        (json!({"url": "http://127.0.0.1:9/", "event_types": "shipment.created"}), "invalid_body"),
        (json!({"url": "http://127.0.0.1:9/", "enabled": "yes"}), "invalid_body"),
        (json!({"url": "http://127.0.0.1:9/", "surprise": true}), "invalid_body"),
        (json!({"url": "http://127.0.0.1:9/", "event_types": []}), "validation_failed"),
        (json!({"url": "http://127.0.0.1:9/", "description": "x".repeat(501)}), "validation_failed"),
        (json!({"url": "http://127.0.0.1:9/", "secret": "not-a-secret"}), "validation_failed"),
        (json!({"url": "ftp://example.com/hook"}), "webhook_url_invalid"),
        (json!({"url": "http://user:pass@127.0.0.1:9/"}), "webhook_url_invalid"),
        (json!({"url": "not a url"}), "webhook_url_invalid"),
        (json!({"url": "http://127.0.0.1:9/#x"}), "webhook_url_invalid"),
    ];
    for (body, code) in cases {
        let r = app.post("/v1/webhooks", &body).await;
        assert_problem(r, 422, code).await;
    }
    let list = json(app.get("/v1/webhooks").await).await;
    assert_eq!(list["data"], json!([]), "nothing stored");

    let (id, _) = create_endpoint(&app, "http://127.0.0.1:9/hook", json!({})).await;
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"event_types": ["nope"]})).await;
    assert_problem(r, 422, "invalid_body").await;
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"url": "gopher://x"})).await;
    assert_problem(r, 422, "webhook_url_invalid").await;
    for path in ["/v1/webhooks/wh_nope", "/v1/webhooks/shp_01jd8x5g2k3m4n5p6q7r8s9t0v", "/v1/events/evt_x"] {
        assert_problem(app.get(path).await, 404, "not_found").await;
    }
    let r = app.get(&format!("/v1/webhooks/{id}/deliveries?status=lost")).await;
    assert_problem(r, 400, "invalid_query").await;
    let r = app.get(&format!("/v1/webhooks/{id}/deliveries?event_id=evt_bad")).await;
    assert_problem(r, 400, "invalid_query").await;
    let r = app.post(&format!("/v1/webhooks/{id}/recover"), &json!({"since": "yesterday"})).await;
    assert_problem(r, 422, "invalid_body").await;
    let r = app.post(&format!("/v1/webhooks/{id}/recover"), &json!({"since": "2001-01-01T00:00:00Z"})).await;
    assert_problem(r, 422, "validation_failed").await;
    let now = chrono::Utc::now();
    let backwards = json!({"since": now, "until": now - chrono::Duration::hours(1)});
    let problem =
        assert_problem(app.post(&format!("/v1/webhooks/{id}/recover"), &backwards).await, 422, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["field"], "since");
    let shown = json(app.get(&format!("/v1/webhooks/{id}")).await).await;
    assert_eq!(shown["url"], "http://127.0.0.1:9/hook", "a refused change leaves the endpoint as it was");
}

#[tokio::test]
async fn delivery_logs_belong_to_their_endpoint_and_tenant() {
    let app = spawn_app().await;
    let (first, _) = create_endpoint(&app, "http://127.0.0.1:9/a", json!({})).await;
    let (second, _) = create_endpoint(&app, "http://127.0.0.1:9/b", json!({})).await;
    // No dispatcher runs in this app: the ping stays pending.
    let queued = json(app.post(&format!("/v1/webhooks/{first}/test"), &json!({})).await).await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["attempts"], 0);
    let delivery = queued["id"].as_str().unwrap();
    assert!(delivery.starts_with("dlv_"));

    let shown = json(app.get(&format!("/v1/webhooks/{first}/deliveries/{delivery}")).await).await;
    assert_eq!(shown["attempt_log"], json!([]));
    assert_eq!(shown["event"]["type"], "webhook.ping");
    let wrong_endpoint = app.get(&format!("/v1/webhooks/{second}/deliveries/{delivery}")).await;
    assert_problem(wrong_endpoint, 404, "not_found").await;
    let r = app.post(&format!("/v1/webhooks/{second}/deliveries/{delivery}/replay"), &json!({})).await;
    assert_problem(r, 404, "not_found").await;
    let filtered = json(app.get(&format!("/v1/webhooks/{first}/deliveries?status=succeeded")).await).await;
    assert_eq!(filtered["data"], json!([]));
    let filtered = json(app.get(&format!("/v1/webhooks/{first}/deliveries?event_type=webhook.ping")).await).await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 1);

    let other = app.key_for("globex").await;
    for path in [format!("/v1/webhooks/{first}/deliveries"), format!("/v1/webhooks/{first}/deliveries/{delivery}")] {
        assert_problem(app.get_as(&other, &path).await, 404, "not_found").await;
    }
    let r = app.post_as(&other, &format!("/v1/webhooks/{first}/deliveries/{delivery}/replay"), &json!({})).await;
    assert_problem(r, 404, "not_found").await;
    let r = app.post_as(&other, &format!("/v1/webhooks/{first}/test"), &json!({})).await;
    assert_problem(r, 404, "not_found").await;
    let event = queued["event_id"].as_str().unwrap();
    let r = app.post_as(&other, &format!("/v1/events/{event}/replay"), &json!({})).await;
    assert_problem(r, 404, "not_found").await;

    // Deleting the endpoint takes its log with it.
    assert_eq!(app.delete(&format!("/v1/webhooks/{first}")).await.status(), 204);
    assert_problem(app.get(&format!("/v1/webhooks/{first}/deliveries")).await, 404, "not_found").await;
}

#[tokio::test]
async fn an_account_has_a_bounded_number_of_endpoints() {
    let app = spawn_app().await;
    for n in 0..shipgate::service::webhooks::MAX_ENDPOINTS {
        create_endpoint(&app, &format!("http://127.0.0.1:9/hook{n}"), json!({})).await;
    }
    let r = app.post("/v1/webhooks", &json!({"url": "http://127.0.0.1:9/one-too-many"})).await;
    let problem = assert_problem(r, 422, "webhook_limit_reached").await;
    assert!(problem["detail"].as_str().unwrap().contains("50"), "{problem}");
    // Another account is not affected.
    let other = app.key_for("globex").await;
    let r = app.post_as(&other, "/v1/webhooks", &json!({"url": "http://127.0.0.1:9/hook"})).await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            &format!("/v1/webhooks/{}/recover", "wh_01jd8x5g2k3m4n5p6q7r8s9t0v"),
            &json!({"since": chrono::Utc::now()}),
        )
        .await;
    assert_problem(r, 404, "not_found").await;
}
