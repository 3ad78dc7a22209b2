//! Carrier accounts against the sandbox: verification per carrier, refused
//! credentials, and e-Courier's UserGUID life (stored encrypted, one login
//! at a time, refreshed before expiry, renewed when refused).

mod common;

use std::time::Duration;

use common::{TestApp, assert_problem, json, spawn_app, spawn_app_with_sandbox};
use serde_json::json;
use shipgate::carriers::CallCtx;
use shipgate::carriers::ecourier::client::Client;
use shipgate::carriers::ecourier::credentials::Credentials;
use shipgate::carriers::http::Safety;
use shipgate::domain::CarrierKind;
use shipgate::domain::ids::CarrierAccountId;
use shipgate::sandbox::SandboxConfig;

#[tokio::test]
async fn every_sandbox_account_verifies() {
    let app = spawn_app().await;
    for kind in CarrierKind::ALL {
        let id = app.sandbox_account(kind).await;
        let r = app.post(&format!("/v1/carrier-accounts/{id}/verify"), &json!({})).await;
        assert_eq!(r.status(), 200, "{kind}");
        let body = json(r).await;
        assert_eq!(body["account"]["verification"]["status"], "verified", "{kind}: {body}");
        assert!(body["account"]["verification"]["verified_at"].is_string());
    }
}

#[tokio::test]
async fn refused_credentials_are_a_424_recorded_on_the_account() {
    let app = spawn_app().await;
    for kind in CarrierKind::ALL {
        let mut request = shipgate::demo::sandbox_account_request(kind, &app.sandbox.base_url);
        let credentials = request["credentials"].as_object_mut().unwrap();
        for secret in ["password", "api_token", "api_key"] {
            if credentials.contains_key(secret) {
                credentials.insert(secret.into(), json!("wrong-secret-value"));
            }
        }
        let id = json(app.post("/v1/carrier-accounts", &request).await).await["id"].as_str().unwrap().to_owned();
        let r = app.post(&format!("/v1/carrier-accounts/{id}/verify"), &json!({})).await;
        let problem = assert_problem(r, 424, "carrier_auth_failed").await;
        assert_eq!(problem["carrier"]["carrier"], kind.as_str(), "{problem}");
        assert!(!problem.to_string().contains("wrong-secret-value"), "{problem}");
        let account = json(app.get(&format!("/v1/carrier-accounts/{id}")).await).await;
        assert_eq!(account["verification"]["status"], "failed", "{kind}: {account}");
    }
}

async fn ecourier_client(app: &TestApp) -> (Client, CallCtx) {
    let id = app.sandbox_account(CarrierKind::Ecourier).await;
    let account: CarrierAccountId = id.parse().unwrap();
    let c = shipgate::sandbox::demo_credentials().ecourier;
    let client = Client {
        http: app.state.carriers.http.clone(),
        base_url: shipgate::demo::sandbox_base_url(CarrierKind::Ecourier, &app.sandbox.base_url),
        credentials: Credentials {
            website: c.website,
            username: Some(c.username),
            password: Some(c.password),
            user_guid: None,
        },
        sessions: app.state.carriers.sessions.clone(),
        local_locks: app.state.carriers.ecourier_locks.clone(),
        settings: Default::default(),
    };
    (client, CallCtx::interactive(app.tenant, account))
}

#[tokio::test]
async fn concurrent_requests_share_one_login_and_the_guid_is_stored_encrypted() {
    let app = spawn_app().await;
    let (client, ctx) = ecourier_client(&app).await;
    let guids = futures_util::future::join_all((0..20).map(|_| client.guid(&ctx))).await;
    let first = guids[0].as_ref().unwrap().clone();
    assert!(guids.iter().all(|g| g.as_ref().unwrap() == &first));
    assert_eq!(app.sandbox_calls("ecourier", "POST /Login").await, 1);

    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT token_enc FROM carrier_sessions").fetch_one(&app.state.db).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(first.trim_matches(|c| c == '{' || c == '}')));
    // A later call reuses it without logging in.
    assert_eq!(client.guid(&ctx).await.unwrap(), first);
    assert_eq!(app.sandbox_calls("ecourier", "POST /Login").await, 1);
}

#[tokio::test]
async fn a_guid_unused_for_fifteen_days_is_refreshed_not_replaced() {
    let app = spawn_app().await;
    let (client, ctx) = ecourier_client(&app).await;
    let guid = client.guid(&ctx).await.unwrap();
    sqlx::query("UPDATE carrier_sessions SET last_used_at = now() - interval '16 days'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(client.guid(&ctx).await.unwrap(), guid);
    assert_eq!(app.sandbox_calls("ecourier", "POST /RefreshGUID").await, 1);
    assert_eq!(app.sandbox_calls("ecourier", "POST /Login").await, 1);
    // Older than e-Courier's 20 days: log in again.
    sqlx::query("UPDATE carrier_sessions SET last_used_at = now() - interval '21 days'")
        .execute(&app.state.db)
        .await
        .unwrap();
    client.guid(&ctx).await.unwrap();
    assert_eq!(app.sandbox_calls("ecourier", "POST /Login").await, 2);
}

#[tokio::test]
async fn an_expired_guid_is_renewed_once_and_the_call_goes_through() {
    let sandbox = SandboxConfig { ecourier_guid_ttl: Duration::from_secs(1), ..Default::default() };
    let app = spawn_app_with_sandbox(sandbox, |_| {}).await;
    let (client, ctx) = ecourier_client(&app).await;
    client.guid(&ctx).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Several requests meet the expired GUID at once: one new login between them.
    let lookup = |guid: String| {
        let client = client.clone();
        let ctx = ctx.clone();
        async move {
            let body = json!({"OrderNumber": "no-such-order"});
            client.post(&ctx, "get_order", "GetJsonOrder", Some(&guid), &body, Safety::Safe).await
        }
    };
    let results = futures_util::future::join_all((0..5).map(|_| client.with_guid(&ctx, lookup))).await;
    for result in results {
        // The renewed GUID was accepted: e-Courier now looks the order up and does not find it.
        let err = result.unwrap_err();
        assert!(matches!(err, shipgate::carriers::CarrierError::NotFound { .. }), "{err:?}");
    }
    assert_eq!(app.sandbox_calls("ecourier", "POST /Login").await, 2);
}
