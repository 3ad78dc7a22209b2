//! The admin API: clock, accounts, scenarios, exact counters under concurrency.

use serde_json::{Value, json};
use shipgate::sandbox::{Sandbox, SandboxConfig, demo_credentials};

use crate::common::*;

#[tokio::test]
async fn the_clock_only_moves_forward() {
    let sb = start().await;
    let before = admin_get(&sb, "/clock").await;
    assert_eq!(before["offset_seconds"], 0);
    advance(&sb, 3600).await;
    let after = admin_get(&sb, "/clock").await;
    assert_eq!(after["offset_seconds"], 3600);
    let now = chrono::DateTime::parse_from_rfc3339(after["now"].as_str().unwrap_or("")).expect("rfc3339");
    assert!(now.timestamp() >= chrono::Utc::now().timestamp() + 3599);
    let (status, _) = admin_post(&sb, "/clock/advance", json!({"seconds": -5})).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn counters_are_exact_under_concurrency_and_per_account() {
    let sb = start().await;
    let (status, _) = admin_post(
        &sb,
        "/accounts",
        json!({"carrier": "myflyingbox", "credentials": {"login": "shop-b", "password": "pw-b"}}),
    )
    .await;
    assert_eq!(status, 201);
    let demo = demo_credentials().myflyingbox;
    let mut calls = Vec::new();
    for i in 0..60 {
        let (login, password) = if i % 3 == 0 {
            ("shop-b".to_owned(), "pw-b".to_owned())
        } else {
            (demo.login.clone(), demo.password.clone())
        };
        let url = format!("{}/myflyingbox/v2/quotes/{i}", sb.base_url);
        calls.push(tokio::spawn(async move {
            client().get(url).basic_auth(login, Some(password)).send().await.map(|r| r.status().as_u16())
        }));
    }
    for call in calls {
        assert_eq!(call.await.expect("join").expect("call"), 404);
    }
    let bad = client().get(format!("{}/myflyingbox/v2/quotes", sb.base_url)).send().await.expect("call");
    assert_eq!(bad.status(), 401);
    let stats = admin_get(&sb, "/stats").await;
    let mfb = &stats["calls"]["myflyingbox"];
    assert_eq!(mfb["total"], 61);
    assert_eq!(mfb["by_endpoint"]["GET /quotes/{id}"], 60);
    assert_eq!(mfb["by_account"]["shop-b"]["total"], 20);
    assert_eq!(mfb["by_account"][demo.login.as_str()]["by_endpoint"]["GET /quotes/{id}"], 40);
    assert_eq!(mfb["by_account"]["unauthenticated"]["total"], 1);
    assert_eq!(stats["calls"]["ecotrack"]["total"], 0);
    assert_eq!(stats["total_calls"], 61);
    let (status, reset) = admin_post(&sb, "/stats/reset", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(reset["total_calls"], 0);
}

#[tokio::test]
async fn registered_accounts_work_with_the_carriers_field_names() {
    let sb = start().await;
    let register = |carrier: &str, credentials: Value| {
        admin_post(&sb, "/accounts", json!({"carrier": carrier, "credentials": credentials}))
    };
    assert_eq!(register("ecourier", json!({"website": "acme", "username": "u2", "password": "p2"})).await.0, 201);
    assert_eq!(register("ecotrack", json!({"token": "tok-2", "shop_name": "Boutique 2"})).await.0, 201);
    assert_eq!(register("dhl", json!({})).await.0, 422);
    assert_eq!(register("ecotrack", json!({})).await.0, 422);
    let login = client()
        .post(format!("{}/ecourier/acme/software/xml/ecJsonPost.asmx/Login", sb.base_url))
        .json(&json!({"website": "acme", "username": "u2", "password": "p2"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let stats = admin_get(&sb, "/stats").await;
    assert_eq!(stats["calls"]["ecourier"]["by_account"]["acme/u2"]["by_endpoint"]["POST /Login"], 1);
}

#[tokio::test]
async fn scenario_changes_need_a_known_shipment_and_a_supported_scenario() {
    let sb = start().await;
    let (status, _) =
        admin_post(&sb, "/scenario", json!({"carrier": "ecotrack", "id": "ECNOPE", "scenario": "cod"})).await;
    assert_eq!(status, 404);
    let (status, body) =
        admin_post(&sb, "/scenario", json!({"carrier": "coursier_fr", "id": "1", "scenario": "cod"})).await;
    assert_eq!(status, 422);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("failed_load")));
    let r = client().get(format!("{}/_sandbox/nothing", sb.base_url)).send().await.expect("call");
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn the_router_can_be_served_by_the_caller() {
    let sandbox = Sandbox::new(SandboxConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(axum::serve(listener, sandbox.router()).into_future());
    let r = client().get(format!("http://{address}/_sandbox/clock")).send().await.expect("clock");
    assert_eq!(r.status(), 200);
    server.abort();
}
