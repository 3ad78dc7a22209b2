//! Webhook URLs may not reach private networks: refused when the endpoint is
//! created or changed, and again on every delivery (the connection only goes
//! to an address that passed the check).

use std::time::Duration;

use serde_json::json;

use crate::common::{assert_problem, spawn_app, spawn_app_with, spawn_replica};
use crate::receiver::Receiver;
use crate::{create_endpoint, deliveries, eventually};

#[tokio::test]
async fn urls_reaching_private_addresses_are_refused_with_a_clear_problem() {
    let app = spawn_app_with(|c| c.webhook_allow = Default::default()).await;
    let cases = [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://localhost:8080/hook", "loopback"),
        ("http://2130706433/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://10.0.0.5/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link_local"),
        ("http://[fe80::1]/hook", "link_local"),
        ("http://[fd00::1]/hook", "unique_local"),
        ("http://100.64.0.1/hook", "cgnat"),
        ("http://0.0.0.0:8080/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
    ];
    for (url, category) in cases {
        let r = app.post("/v1/webhooks", &json!({"url": url})).await;
        let problem = assert_problem(r, 422, "webhook_url_forbidden").await;
        assert_eq!(problem["address_category"], category, "{url}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url");
        assert!(problem["detail"].as_str().unwrap().contains("public"), "{problem}");
    }
    let r = app.post("/v1/webhooks", &json!({"url": "https://no-such-host.invalid/hook"})).await;
    assert_problem(r, 422, "webhook_url_unresolvable").await;
    let list = crate::common::json(app.get("/v1/webhooks").await).await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn allowing_loopback_by_configuration_lets_tests_use_local_receivers() {
    let app = spawn_app().await;
    let (id, _) = create_endpoint(&app, "http://127.0.0.1:9/hook", json!({})).await;
    // Changing the URL is checked the same way; private stays refused.
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"url": "http://10.1.2.3/hook"})).await;
    assert_problem(r, 422, "webhook_url_forbidden").await;
    let r = app.patch(&format!("/v1/webhooks/{id}"), &json!({"url": "http://localhost:9/other"})).await;
    assert_eq!(r.status(), 200);
}

/// An endpoint accepted earlier (here: under a looser policy, as after a DNS
/// change) is still refused when the delivery is made: for an IP literal by
/// the direct check, for a host name by the filtering resolver.
#[tokio::test]
async fn deliveries_are_checked_again_when_sent() {
    let receiver = Receiver::answering(200).await;
    let app = spawn_app().await;
    let by_ip = create_endpoint(&app, &receiver.url, json!({})).await.0;
    let by_name = create_endpoint(&app, &receiver.url.replace("127.0.0.1", "localhost"), json!({})).await.0;
    for id in [&by_ip, &by_name] {
        assert_eq!(app.post(&format!("/v1/webhooks/{id}/test"), &json!({})).await.status(), 202);
    }
    let _strict_dispatcher = spawn_replica(&app, |c| {
        c.webhook_allow = Default::default();
        c.no_workers = false;
        c.webhook_poll_ms = 50;
    })
    .await;
    for id in [&by_ip, &by_name] {
        let failed = eventually("a refused attempt", Duration::from_secs(20), || async {
            deliveries(&app, id).await.into_iter().find(|d| d["attempts"].as_u64() >= Some(1) && d["error"].is_string())
        })
        .await;
        let error = failed["error"].as_str().unwrap();
        assert!(error.starts_with("refused:") && error.contains("loopback"), "{failed}");
        assert_eq!(failed["response_status"], json!(null));
        assert_eq!(failed["status"], "pending", "refusals are retried like any failure: {failed}");
    }
    assert!(receiver.requests().is_empty(), "nothing may reach a refused address");
}
