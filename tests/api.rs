//! The platform: health, readiness, auth, tenancy, carrier accounts,
//! problem documents, idempotency, OpenAPI and docs.

mod common;

use std::time::Duration;

use common::proxy::TcpProxy;
use common::{assert_problem, json, spawn_app, spawn_app_with, spawn_on};
use serde_json::{Value, json};
use shipgate::config::Config;

fn ecotrack_account(name: &str) -> Value {
    json!({"carrier": "ecotrack", "name": name, "credentials": {"api_token": "tok-1234567890abcdef"}, "base_url": "https://acme.ecotrack.dz"})
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    assert_eq!(json(r).await["status"], "ok");
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(json(r).await["status"], "ready");
    app.get("/v1/carrier-accounts").await;
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("# TYPE shipgate_http_requests_total counter"), "{text}");
    assert!(
        text.contains(r#"shipgate_http_requests_total{route="/v1/carrier-accounts",method="GET",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("shipgate_http_request_duration_seconds_bucket{route=\"/healthz\""), "{text}");
}

#[tokio::test]
async fn readiness_follows_the_database_going_away_and_coming_back() {
    let database = common::TestDatabase::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let mut config = Config::for_tests(&format!("postgres://postgres@{}/{}", proxy.addr, database.name));
    config.db_max_connections = 2;
    let app = spawn_on(database, config, common::start_sandbox(Default::default()).await).await;
    let ready = || async { app.client.get(app.url("/readyz")).send().await.unwrap().status().as_u16() };
    assert_eq!(ready().await, 200);

    proxy.cut();
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    let body = assert_problem(r, 503, "not_ready").await;
    assert_eq!(body["retry_after"], 5);
    // Other routes degrade to a retryable 503, never a 500.
    let r = app
        .client
        .get(app.url("/v1/carrier-accounts"))
        .bearer_auth("sg_test_unknownkeyunknownkey")
        .send()
        .await
        .unwrap();
    assert_problem(r, 503, "database_unavailable").await;

    proxy.restore();
    let mut status = 0;
    for _ in 0..40 {
        status = ready().await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, 200, "readiness did not recover");
}

#[tokio::test]
async fn every_v1_route_needs_a_valid_key() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/v1/carrier-accounts")).send().await.unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"shipgate\"");
    assert_problem(r, 401, "unauthorized").await;
    for header in ["Basic dXNlcjpwYXNz", "Bearer ", "Bearer sg_test_nope", "sg_test_nope"] {
        let r = app.client.get(app.url("/v1/carrier-accounts")).header("authorization", header).send().await.unwrap();
        assert_problem(r, 401, "unauthorized").await;
    }
    let r = app.get("/v1/carrier-accounts").await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn api_keys_are_prefixed_random_and_stored_only_as_hashes() {
    let app = spawn_app().await;
    assert!(app.api_key.starts_with("sg_test_"), "{}", app.api_key);
    let other = app.key_for("acme").await;
    assert_ne!(other, app.api_key);
    let rows: Vec<(Vec<u8>, String)> =
        sqlx::query_as("SELECT key_hash, key_prefix FROM api_keys").fetch_all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    for (hash, prefix) in rows {
        assert_eq!(hash.len(), 32);
        assert!(!String::from_utf8_lossy(&hash).contains(&app.api_key));
        assert!(app.api_key.starts_with(&prefix) || other.starts_with(&prefix));
    }
}

#[tokio::test]
async fn another_tenants_account_is_not_found_never_forbidden() {
    let app = spawn_app().await;
    let created = json(app.post("/v1/carrier-accounts", &ecotrack_account("mine")).await).await;
    let id = created["id"].as_str().unwrap();
    let intruder = app.key_for("globex").await;
    for path in [format!("/v1/carrier-accounts/{id}")] {
        let r = app.get_as(&intruder, &path).await;
        let body = assert_problem(r, 404, "not_found").await;
        assert!(!body.to_string().contains("tok-"), "{body}");
    }
    let r = app
        .client
        .patch(app.url(&format!("/v1/carrier-accounts/{id}")))
        .bearer_auth(&intruder)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(r, 404, "not_found").await;
    let r =
        app.client.delete(app.url(&format!("/v1/carrier-accounts/{id}"))).bearer_auth(&intruder).send().await.unwrap();
    assert_problem(r, 404, "not_found").await;
    let r = app.post_as(&intruder, &format!("/v1/carrier-accounts/{id}/verify"), &json!({})).await;
    assert_problem(r, 404, "not_found").await;
    let listed = json(app.get_as(&intruder, "/v1/carrier-accounts").await).await;
    assert_eq!(listed["data"], json!([]));
    // Still there for its owner.
    assert_eq!(app.get(&format!("/v1/carrier-accounts/{id}")).await.status(), 200);
}

#[tokio::test]
async fn carrier_accounts_validate_credentials_per_carrier() {
    let app = spawn_app().await;
    let cases = [
        (json!({"carrier": "myflyingbox", "name": "m", "credentials": {"login": "x"}}), "credentials"),
        (
            json!({"carrier": "myflyingbox", "name": "m", "credentials": {"login": "", "password": "p"}}),
            "credentials.login",
        ),
        (
            json!({"carrier": "ecourier", "name": "e", "credentials": {"website": "w"}, "base_url": "http://e.example/x.asmx"}),
            "credentials",
        ),
        (
            json!({"carrier": "ecourier", "name": "e", "credentials": {"website": "w", "username": "u", "password": "p"}}),
            "base_url",
        ),
        (json!({"carrier": "ecotrack", "name": "t", "credentials": {"api_token": "t"}}), "base_url"),
        (
            json!({"carrier": "ecotrack", "name": "t", "credentials": {"api_token": "t"}, "base_url": "ftp://x"}),
            "base_url",
        ),
        (
            json!({"carrier": "ecotrack", "name": "t", "credentials": {"api_token": "t"}, "base_url": "https://u:p@x.dz"}),
            "base_url",
        ),
        (
            json!({"carrier": "coursier_fr", "name": "c", "credentials": {"user": "u", "api_key": "k", "client_id": 0}}),
            "credentials.client_id",
        ),
        (
            json!({"carrier": "coursier_fr", "name": "c", "credentials": {"user": "u", "api_key": "k", "client_id": 1, "extra": 1}}),
            "credentials",
        ),
        (
            json!({"carrier": "coursier_fr", "name": "", "credentials": {"user": "u", "api_key": "k", "client_id": 1}}),
            "name",
        ),
        (json!({"carrier": "coursier_fr", "name": "c", "credentials": "text"}), "credentials"),
        (
            json!({"carrier": "coursier_fr", "name": "c", "credentials": {"user": "u", "api_key": "k", "client_id": 1}, "settings": []}),
            "settings",
        ),
    ];
    for (body, field) in cases {
        let r = app.post("/v1/carrier-accounts", &body).await;
        let problem = assert_problem(r, 422, "validation_failed").await;
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{body} -> {problem}");
    }
    let ok = [
        json!({"carrier": "myflyingbox", "name": "MFB", "credentials": {"login": "shop", "password": "correct-horse-battery"}, "test_mode": true}),
        json!({"carrier": "ecourier", "name": "EC", "credentials": {"website": "example", "user_guid": "{011114A4-5391-46E0-B576-9835485F5731}"}, "base_url": "http://post.example.e-courier.com/example/software/xml/ecJsonPost.asmx"}),
        ecotrack_account("ET"),
        json!({"carrier": "coursier_fr", "name": "CFR", "credentials": {"user": "test@apicfr.fr", "api_key": "e1ab1411d66765e73cf4b068d39cda8a", "client_id": 7055339}}),
    ];
    for body in ok {
        let r = app.post("/v1/carrier-accounts", &body).await;
        assert_eq!(r.status(), 201);
        let account = json(r).await;
        assert_eq!(account["carrier"], body["carrier"]);
        assert_eq!(account["verification"]["status"], "unverified");
        assert!(account["base_url"].is_string(), "{account}");
    }
    let mfb = json(app.get("/v1/carrier-accounts?carrier=myflyingbox").await).await;
    assert_eq!(mfb["data"].as_array().unwrap().len(), 1);
    assert_eq!(mfb["data"][0]["base_url"], "https://test.myflyingbox.com/v2");
    assert_eq!(mfb["data"][0]["credentials"], json!({"login": "shop", "password": "****tery"}));
}

#[tokio::test]
async fn credentials_are_encrypted_bound_to_their_account_and_never_returned() {
    let app = spawn_app().await;
    let secret = "super-secret-password-42";
    let body = json!({"carrier": "myflyingbox", "name": "MFB", "credentials": {"login": "shop", "password": secret}});
    let created = app.post("/v1/carrier-accounts", &body).await;
    let text = created.text().await.unwrap();
    assert!(!text.contains(secret), "{text}");
    let created: Value = serde_json::from_str(&text).unwrap();
    let listing = app.get("/v1/carrier-accounts").await.text().await.unwrap();
    assert!(!listing.contains(secret));
    let second = json(app.post("/v1/carrier-accounts", &body).await).await;

    let rows: Vec<(uuid::Uuid, Vec<u8>, Value)> =
        sqlx::query_as("SELECT id, credentials_enc, credentials_mask FROM carrier_accounts ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    for (id, sealed, mask) in &rows {
        assert!(!String::from_utf8_lossy(sealed).contains(secret));
        assert!(!mask.to_string().contains(secret));
        let plain = app.state.secrets.open(sealed, id.as_bytes()).unwrap();
        assert!(String::from_utf8(plain).unwrap().contains(secret));
    }
    // A ciphertext moved onto another account's row does not decrypt there.
    let (first_id, first_sealed, _) = &rows[0];
    let (second_id, _, _) = &rows[1];
    assert!(app.state.secrets.open(first_sealed, second_id.as_bytes()).is_err());
    assert!(app.state.secrets.open(first_sealed, first_id.as_bytes()).is_ok());
    assert_ne!(created["id"], second["id"]);
}

#[tokio::test]
async fn carrier_accounts_update_archive_and_paginate() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            json(app.post("/v1/carrier-accounts", &ecotrack_account(&format!("acct {i}"))).await).await["id"].clone(),
        );
    }
    let page1 = json(app.get("/v1/carrier-accounts?limit=2").await).await;
    assert_eq!(page1["data"].as_array().unwrap().len(), 2);
    assert_eq!(page1["data"][0]["id"], ids[4], "newest first");
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = json(app.get(&format!("/v1/carrier-accounts?limit=2&cursor={cursor}")).await).await;
    assert_eq!(page2["data"][0]["id"], ids[2]);
    let page3 =
        json(app.get(&format!("/v1/carrier-accounts?limit=2&cursor={}", page2["next_cursor"].as_str().unwrap())).await)
            .await;
    assert_eq!(page3["data"].as_array().unwrap().len(), 1);
    assert!(page3.get("next_cursor").is_none());

    let id = ids[0].as_str().unwrap();
    let updated = json(
        app.patch(
            &format!("/v1/carrier-accounts/{id}"),
            &json!({"name": "renamed", "credentials": {"api_token": "new-token-0987654321"}}),
        )
        .await,
    )
    .await;
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["credentials"]["api_token"], "****4321");
    let r = app.patch(&format!("/v1/carrier-accounts/{id}"), &json!({"base_url": null})).await;
    assert_problem(r, 422, "validation_failed").await;
    let r = app.patch(&format!("/v1/carrier-accounts/{id}"), &json!({"credentials": {"token": "x"}})).await;
    assert_problem(r, 422, "validation_failed").await;
    let r = app.delete(&format!("/v1/carrier-accounts/{id}")).await;
    assert_eq!(r.status(), 204);
    assert_problem(app.get(&format!("/v1/carrier-accounts/{id}")).await, 404, "not_found").await;
    assert_problem(app.delete(&format!("/v1/carrier-accounts/{id}")).await, 404, "not_found").await;
}

#[tokio::test]
async fn verify_reports_an_unreachable_carrier_as_unavailable() {
    let app = spawn_app().await;
    let body = json!({"carrier": "ecotrack", "name": "down", "credentials": {"api_token": "t0k3n-abcdefgh"}, "base_url": "http://127.0.0.1:9"});
    let id = json(app.post("/v1/carrier-accounts", &body).await).await["id"].as_str().unwrap().to_owned();
    let r = app.post(&format!("/v1/carrier-accounts/{id}/verify"), &json!({})).await;
    let problem = assert_problem(r, 503, "carrier_unavailable").await;
    assert_eq!(problem["carrier"]["carrier"], "ecotrack");
    let account = json(app.get(&format!("/v1/carrier-accounts/{id}")).await).await;
    assert_eq!(account["verification"]["status"], "unverified", "a transient failure says nothing of the credentials");
}

/// None of these may produce a 5xx or a body that is not a problem document.
#[tokio::test]
async fn malformed_requests_get_problem_documents_never_5xx() {
    let app = spawn_app().await;
    let id =
        json(app.post("/v1/carrier-accounts", &ecotrack_account("x")).await).await["id"].as_str().unwrap().to_owned();
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(1_100_000));
    let key = app.api_key.clone();
    let account_path = format!("/v1/carrier-accounts/{id}");
    struct Case {
        method: &'static str,
        path: String,
        body: String,
        content_type: Option<&'static str>,
        status: u16,
        code: &'static str,
    }
    // (method, path, body, content type, expected status, expected code)
    type Row<'a> = (&'static str, &'a str, String, Option<&'static str>, u16, &'static str);
    let raw: Vec<Row> = vec![
        ("POST", "/v1/carrier-accounts", "{".into(), Some("application/json"), 400, "invalid_json"),
        ("POST", "/v1/carrier-accounts", "[1,2".into(), Some("application/json"), 400, "invalid_json"),
        ("POST", "/v1/carrier-accounts", "".into(), Some("application/json"), 400, "invalid_json"),
        ("POST", "/v1/carrier-accounts", "null".into(), Some("application/json"), 422, "invalid_body"),
        ("POST", "/v1/carrier-accounts", "[]".into(), Some("application/json"), 422, "invalid_body"),
        ("POST", "/v1/carrier-accounts", r#"{"carrier": 42}"#.into(), Some("application/json"), 422, "invalid_body"),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier": "dhl", "name": "x", "credentials": {}}"#.into(),
            Some("application/json"),
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier": "ecotrack"}"#.into(),
            Some("application/json"),
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier": "ecotrack", "name": "x", "credentials": {}, "bogus": 1}"#.into(),
            Some("application/json"),
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier": "ecotrack", "name": ["x"], "credentials": {}}"#.into(),
            Some("application/json"),
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier": "ecotrack", "name": "x", "credentials": {}, "test_mode": "yes"}"#.into(),
            Some("application/json"),
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/carrier-accounts",
            "carrier=ecotrack".into(),
            Some("application/x-www-form-urlencoded"),
            415,
            "unsupported_media_type",
        ),
        ("POST", "/v1/carrier-accounts", "{}".into(), None, 415, "unsupported_media_type"),
        ("POST", "/v1/carrier-accounts", "\u{0}\u{1}binary".into(), Some("application/json"), 400, "invalid_json"),
        ("POST", "/v1/carrier-accounts", big, Some("application/json"), 413, "payload_too_large"),
        ("GET", "/v1/carrier-accounts/not-an-id", String::new(), None, 404, "not_found"),
        ("GET", "/v1/carrier-accounts/shp_01jd8x5g2k3m4n5p6q7r8s9t0v", String::new(), None, 404, "not_found"),
        ("GET", "/v1/carrier-accounts/ca_zzzzzzzzzzzzzzzzzzzzzzzzzz", String::new(), None, 404, "not_found"),
        ("GET", "/v1/carrier-accounts/ca_01jd8x5g2k3m4n5p6q7r8s9t0v", String::new(), None, 404, "not_found"),
        ("GET", "/v1/carrier-accounts?limit=0", String::new(), None, 400, "invalid_query"),
        ("GET", "/v1/carrier-accounts?limit=abc", String::new(), None, 400, "invalid_query"),
        ("GET", "/v1/carrier-accounts?limit=100000000000", String::new(), None, 400, "invalid_query"),
        ("GET", "/v1/carrier-accounts?carrier=ups", String::new(), None, 400, "invalid_query"),
        ("GET", "/v1/carrier-accounts?cursor=garbage", String::new(), None, 400, "invalid_query"),
        ("GET", "/v1/nothing-here", String::new(), None, 404, "route_not_found"),
        ("GET", "/favicon.ico", String::new(), None, 404, "route_not_found"),
        ("PUT", "/v1/carrier-accounts", "{}".into(), Some("application/json"), 405, "method_not_allowed"),
        ("DELETE", "/healthz", String::new(), None, 405, "method_not_allowed"),
        ("PATCH", &account_path, r#"{"test_mode": 3}"#.into(), Some("application/json"), 422, "invalid_body"),
        ("PATCH", &account_path, r#"{"name": ""}"#.into(), Some("application/json"), 422, "validation_failed"),
        (
            "POST",
            "/v1/carrier-accounts",
            r#"{"carrier":"ecotrack","name":"x","credentials":{"api_token":"t"},"base_url":"https://a.dz"}"#.into(),
            Some("text/plain"),
            415,
            "unsupported_media_type",
        ),
    ];
    let cases: Vec<Case> = raw
        .into_iter()
        .map(|(method, path, body, content_type, status, code)| Case {
            method,
            path: path.to_owned(),
            body,
            content_type,
            status,
            code,
        })
        .collect();
    assert!(cases.len() >= 20);
    for Case { method, path, body, content_type, status, code } in cases {
        let path = path.as_str();
        let mut request = app.client.request(method.parse().unwrap(), app.url(path)).bearer_auth(&key);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = request.body(body).send().await.unwrap();
        assert!(response.status().as_u16() < 500, "{method} {path} gave {}", response.status());
        println!("case: {method} {path} {content_type:?}");
        let problem = assert_problem(response, status, code).await;
        assert!(problem["detail"].as_str().unwrap().len() <= 600, "detail echoes too much: {problem}");
    }
    // Nothing stored was touched by all of that.
    let account = json(app.get(&format!("/v1/carrier-accounts/{id}")).await).await;
    assert_eq!(account["name"], "x");
}

#[tokio::test]
async fn idempotency_key_replays_refuses_reuse_and_busy_keys() {
    let app = spawn_app().await;
    let post = |key: &'static str, body: Value| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/v1/carrier-accounts"))
                .bearer_auth(&app.api_key)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let first = post("create-1", ecotrack_account("one")).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = json(first).await;
    let again = post("create-1", ecotrack_account("one")).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json(again).await, first);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM carrier_accounts").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(count, 1, "a replay must not create a second account");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT response_body FROM idempotency_keys WHERE key = 'create-1'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("ecotrack"), "stored answers are encrypted");

    assert_problem(post("create-1", ecotrack_account("two")).await, 422, "idempotency_key_reused").await;

    // A validation failure is an answer too: it replays.
    let bad = post("create-2", json!({"carrier": "ecotrack", "name": "", "credentials": {}})).await;
    assert_problem(bad, 422, "validation_failed").await;
    let bad = post("create-2", json!({"carrier": "ecotrack", "name": "", "credentials": {}})).await;
    assert_eq!(bad.headers()["idempotent-replayed"], "true");

    // A key whose first request is still running.
    sqlx::query(
        "INSERT INTO idempotency_keys (tenant_id, key, request_hash, method, path, state, locked_until, expires_at)
         VALUES ($1, 'busy', '\\x00', 'POST', '/v1/carrier-accounts', 'in_progress', now() + interval '1 minute', now() + interval '1 day')",
    )
    .bind(app.tenant.uuid())
    .execute(&app.state.db)
    .await
    .unwrap();
    let body = ecotrack_account("busy");
    let r = app
        .client
        .post(app.url("/v1/carrier-accounts"))
        .bearer_auth(&app.api_key)
        .header("idempotency-key", "busy")
        .json(&body)
        .send()
        .await
        .unwrap();
    // Different hash from the placeholder row: the key was used for another request.
    assert_problem(r, 422, "idempotency_key_reused").await;

    let bad_key = app
        .client
        .post(app.url("/v1/carrier-accounts"))
        .bearer_auth(&app.api_key)
        .header("idempotency-key", "x".repeat(300))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(bad_key, 400, "invalid_idempotency_key").await;
}

#[tokio::test]
async fn concurrent_duplicates_with_one_key_create_once() {
    let app = spawn_app().await;
    let body = ecotrack_account("race");
    let send = || {
        app.client
            .post(app.url("/v1/carrier-accounts"))
            .bearer_auth(&app.api_key)
            .header("idempotency-key", "race")
            .json(&body)
            .send()
    };
    let results = futures_util::future::join_all((0..8).map(|_| send())).await;
    let statuses: Vec<u16> = results.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM carrier_accounts").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(count, 1, "{statuses:?}");
}

#[tokio::test]
async fn request_ids_are_set_or_propagated() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    let generated = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36);
    let r = app.client.get(app.url("/nope")).header("x-request-id", "trace-me-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-123");
}

#[tokio::test]
async fn openapi_is_served_and_matches_the_committed_file() {
    let app = spawn_app().await;
    let served = json(app.client.get(app.url("/openapi.json")).send().await.unwrap()).await;
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(served, committed, "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`");
    let generated = shipgate::api::openapi::document_json();
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap();
    assert_eq!(generated, on_disk, "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`");
    assert!(served["components"]["securitySchemes"]["bearer"].is_object());
    assert!(
        served["paths"]["/v1/carrier-accounts"]["post"]["requestBody"]["content"]["application/json"]["examples"]
            .is_object()
    );
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger"));
    let css = app.client.get(app.url("/docs/swagger-ui.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    let js = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.bytes().await.unwrap().len() > 100_000);
}

#[tokio::test]
async fn missing_master_key_is_a_clear_startup_error() {
    let database = common::TestDatabase::create().await;
    let mut config = Config::for_tests(&database.url);
    config.master_key = None;
    let err = shipgate::app::Application::build(config.clone()).await.err().expect("must refuse to start");
    assert!(err.to_string().contains("SHIPGATE_MASTER_KEY"), "{err}");
    config.master_key = Some("too-short".into());
    let err = shipgate::app::Application::build(config.clone()).await.err().expect("must refuse a bad key");
    assert!(err.to_string().contains("SHIPGATE_MASTER_KEY is invalid"), "{err}");
    config.sandbox = true;
    config.master_key = None;
    assert!(shipgate::app::Application::build(config).await.is_ok(), "sandbox mode runs without a key");
}

#[tokio::test]
async fn the_database_is_created_when_missing() {
    let name = format!("shipgate_fresh_{}", uuid::Uuid::new_v4().simple());
    let url = format!("{}/{name}", common::db::server_url());
    let app = spawn_app_with(|c| c.database_url = url.clone()).await;
    assert_eq!(app.get("/v1/carrier-accounts").await.status(), 200);
    drop(app);
    let mut admin =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", common::db::server_url()))
            .await
            .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .unwrap();
}

#[test]
fn every_operation_id_is_unique() {
    let doc = serde_json::to_value(shipgate::api::openapi::document()).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) {
                assert!(seen.insert(id.to_owned()), "{method} {path}: operationId `{id}` used twice");
            }
        }
    }
    assert!(seen.len() > 10);
}
