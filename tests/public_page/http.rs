//! The page over plain HTTP: unknown and revoked links, rotation, privacy
//! switches, escaping of merchant text, size, languages, headers, HEAD and
//! the per-address rate limit.

use serde_json::{Value, json};

use crate::common::proxy::TcpProxy;
use crate::common::{TestApp, TestDatabase, assert_problem, json, spawn_app_with, spawn_on, start_sandbox};
use shipgate::config::Config;

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(lang) = accept_language {
        request = request.header("accept-language", lang);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.headers().clone(), r.text().await.unwrap())
}

fn token_of(tracker: &Value) -> String {
    tracker["public_url"].as_str().unwrap().rsplit_once("/t/").unwrap().1.to_owned()
}

/// A tracker of the sandbox's Ecotrack account (checked once: a stop-desk parcel).
async fn tracker(app: &TestApp) -> Value {
    let account = json(
        app.post(
            "/v1/carrier-accounts",
            &shipgate::demo::sandbox_account_request(shipgate::domain::CarrierKind::Ecotrack, &app.sandbox.base_url),
        )
        .await,
    )
    .await;
    let r = app
        .post("/v1/trackers", &json!({"carrier_account_id": account["id"], "tracking_number": "ECPUBLIC0000001"}))
        .await;
    assert_eq!(r.status(), 201);
    json(r).await
}

#[tokio::test]
async fn links_are_unguessable_revocable_and_private() {
    let app = spawn_app_with(|c| c.public_url = "https://track.example.com/".into()).await;
    let t = tracker(&app).await;
    let id = t["id"].as_str().unwrap().to_owned();
    let public = t["public_url"].as_str().unwrap();
    assert!(public.starts_with("https://track.example.com/t/"), "{public}");
    let token = token_of(&t);

    let (status, headers, body) = page(&app, &format!("/t/{token}"), Some("fr-FR,fr;q=0.9,en;q=0.8")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(body.starts_with("<!DOCTYPE html>") && body.contains(r#"<html lang="fr">"#));
    assert!(body.contains("En attente d&#x27;informations"), "not checked yet: {body}");
    assert!(!body.contains("<script"), "no JavaScript");
    assert!(body.len() < 50_000, "one light page: {} bytes", body.len());
    for private in [&id, "carrier_account", "ca_", "sg_test_", "ECPUBLIC0000001-nope"] {
        assert!(!body.contains(private), "{private} leaked");
    }
    let (_, _, en) = page(&app, &format!("/t/{token}?lang=en"), Some("fr")).await;
    assert!(en.contains(r#"<html lang="en">"#) && en.contains("Awaiting news"));
    let head = reqwest::Client::new().head(app.url(&format!("/t/{token}"))).send().await.unwrap();
    assert_eq!(head.status(), 200);

    // Unknown and malformed tokens: a friendly page, never a problem document.
    for path in ["/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/t/short", "/t/%3Cscript%3E", &format!("/t/{id}")] {
        let (status, headers, body) = page(&app, path, Some("en")).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(body.contains("Tracking link not found"), "{body}");
    }

    // Rotation: the old link dies at once; revocation: no link at all.
    let rotated = json(app.post(&format!("/v1/trackers/{id}/public-link"), &json!({})).await).await;
    let new_token = token_of(&rotated);
    assert_ne!(new_token, token);
    assert_eq!(page(&app, &format!("/t/{token}"), None).await.0, 404);
    assert_eq!(page(&app, &format!("/t/{new_token}"), None).await.0, 200);
    let revoked = json(app.delete(&format!("/v1/trackers/{id}/public-link")).await).await;
    assert!(revoked.get("public_url").is_none(), "{revoked}");
    let (status, _, body) = page(&app, &format!("/t/{new_token}"), Some("fr")).await;
    assert_eq!(status, 404);
    assert!(body.contains("Lien de suivi introuvable"));

    // Another tenant cannot touch the link.
    let other = app.key_for("other-shop").await;
    let r = reqwest::Client::new()
        .post(app.url(&format!("/v1/trackers/{id}/public-link")))
        .bearer_auth(other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn merchant_settings_are_validated_and_escaped() {
    let app = spawn_app_with(|_| {}).await;
    let t = tracker(&app).await;
    let token = token_of(&t);
    for (body, field) in [
        (json!({"accent_color": "red;}body{display:none"}), "accent_color"),
        (json!({"logo_url": "javascript:alert(1)"}), "logo_url"),
        (json!({"merchant_name": "x".repeat(101)}), "merchant_name"),
    ] {
        let problem = assert_problem(app.put("/v1/settings/public-page", &body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    assert_problem(app.put("/v1/settings/public-page", &json!({"colour": "#fff"})).await, 422, "invalid_body").await;
    let saved = json(
        app.put(
            "/v1/settings/public-page",
            &json!({"merchant_name": "<script>alert('x')</script> & Co", "accent_color": "#0a7d5a",
                    "logo_url": "https://cdn.example.com/logo.png"}),
        )
        .await,
    )
    .await;
    assert_eq!(saved["show_phone_numbers"], false);
    assert_eq!(json(app.get("/v1/settings/public-page").await).await, saved);
    let (_, _, body) = page(&app, &format!("/t/{token}"), None).await;
    assert!(body.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; &amp; Co"), "{body}");
    assert!(!body.contains("<script>"));
    assert!(body.contains("--accent:#0a7d5a"), "{body}");
    assert!(body.contains(r#"src="https:&#x2f;&#x2f;cdn.example.com&#x2f;logo.png""#), "attribute-escaped: {body}");
}

#[tokio::test]
async fn the_page_is_rate_limited_per_client_address() {
    let app = spawn_app_with(|c| c.public_page_per_minute = 6).await;
    let token = token_of(&tracker(&app).await);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(page(&app, &format!("/t/{token}"), None).await.0);
    }
    assert_eq!(&statuses[..2], [200, 200], "{statuses:?}");
    assert_eq!(statuses[3], 429, "{statuses:?}");
    let r = reqwest::Client::new().get(app.url(&format!("/t/{token}"))).send().await.unwrap();
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Please wait a moment"));
}

#[tokio::test]
async fn a_database_outage_gives_a_friendly_page_not_an_error_document() {
    let database = TestDatabase::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let mut config = Config::for_tests(&format!("postgres://postgres@{}/{}", proxy.addr, database.name));
    config.db_max_connections = 2;
    let app = spawn_on(database, config, start_sandbox(Default::default()).await).await;
    let token = token_of(&tracker(&app).await);
    assert_eq!(page(&app, &format!("/t/{token}"), None).await.0, 200);

    proxy.cut();
    let (status, headers, body) = page(&app, &format!("/t/{token}"), Some("en")).await;
    assert_eq!(status, 503);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(headers.contains_key("retry-after"));
    assert!(body.contains("Tracking is briefly unavailable"), "{body}");

    proxy.restore();
    let mut status = 0;
    for _ in 0..40 {
        status = page(&app, &format!("/t/{token}"), None).await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(status, 200, "the page did not come back with the database");
}
