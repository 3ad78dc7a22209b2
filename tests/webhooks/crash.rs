//! Several dispatchers on one database: they share the work without sending
//! twice, and when one is killed mid-send (the real binary, SIGKILL) another
//! sends the delivery again once the dead one's lease runs out.

use std::time::Duration;

use serde_json::json;
use shipgate::config::Config;
use shipgate::domain::webhook::EventType;
use shipgate::service::api_keys::{self, KeyMode};
use shipgate::webhooks::SigningSecret;

use crate::common::binary::ShipgateProcess;
use crate::common::{TestDatabase, json, spawn_on, spawn_replica, start_sandbox};
use crate::receiver::{Receiver, Reply, script};
use crate::{create_endpoint, dispatching_app, enqueue, object_for, settled_deliveries};

const MASTER_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const LEASE_SECS: u64 = 10;

async fn start_binary(database_url: &str) -> (ShipgateProcess, String) {
    let lease = LEASE_SECS.to_string();
    let env = [
        ("SHIPGATE_MASTER_KEY", MASTER_KEY),
        ("SHIPGATE_WEBHOOK_ALLOW", "loopback"),
        ("SHIPGATE_WEBHOOK_TIMEOUT_SECS", "5"),
        ("SHIPGATE_WEBHOOK_LEASE_SECS", lease.as_str()),
        ("SHIPGATE_WEBHOOK_POLL_MS", "50"),
    ];
    let server = ShipgateProcess::serve(database_url, &[], &env);
    server.wait_ready().await;
    let base = server.base.clone();
    (server, base)
}

#[tokio::test]
async fn a_dispatcher_killed_mid_send_is_relieved_by_another_after_its_lease() {
    // The first request is held until its sender dies; later ones succeed.
    let receiver = Receiver::start(script(|_, seen| if seen == 1 { Reply::Hold } else { Reply::Status(204) })).await;
    let database = TestDatabase::create().await;
    let pool = database.pool().await;
    let key = api_keys::create(&pool, "acme", KeyMode::Test).await.unwrap();
    let (mut doomed, base) = start_binary(&database.url).await;
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{base}/v1/webhooks"))
        .bearer_auth(&key.secret)
        .json(&json!({"url": receiver.url}))
        .send()
        .await
        .unwrap();
    let created = json(created).await;
    let (webhook, secret) =
        (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned());
    let r = client.post(format!("{base}/v1/webhooks/{webhook}/test")).bearer_auth(&key.secret).send().await.unwrap();
    assert_eq!(r.status(), 202);

    // The binary is sending: a second replica comes up, then the first dies.
    let first = receiver.wait_for(1, Duration::from_secs(30)).await;
    let mut config = Config::for_tests(&database.url);
    config.master_key = Some(MASTER_KEY.to_owned());
    config.no_workers = false;
    config.webhook_poll_ms = 50;
    let survivor = spawn_on(database.share(), config, start_sandbox(Default::default()).await).await;
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();

    let got = receiver.wait_for(2, Duration::from_secs(60)).await;
    assert_eq!(got.len(), 2, "sent again exactly once");
    assert_eq!(got[1].id, first[0].id, "same event, same webhook-id");
    let key_bytes = SigningSecret::parse(&secret).unwrap();
    assert_eq!(got[1].signature, key_bytes.sign(&got[1].id, got[1].timestamp, got[1].body.as_bytes()));
    assert_eq!(got[1].body, first[0].body);
    let waited = got[1].at - first[0].at;
    assert!(waited >= Duration::from_secs(LEASE_SECS - 1), "not before the lease ran out: {waited:?}");

    let settled = settled_deliveries(&survivor, &webhook, 1, Duration::from_secs(30)).await;
    assert_eq!(settled[0]["status"], "succeeded");
    assert_eq!(settled[0]["attempts"], 2);
    let detail =
        json(survivor.get(&format!("/v1/webhooks/{webhook}/deliveries/{}", settled[0]["id"].as_str().unwrap())).await)
            .await;
    let log = detail["attempt_log"].as_array().unwrap();
    assert_eq!(log.len(), 2, "{detail}");
    assert!(log[0]["error"].as_str().unwrap().contains("dispatcher stopped"), "{detail}");
    assert_eq!(log[1]["succeeded"], true);
    assert_eq!(log[1]["response_status"], 204);
}

#[tokio::test]
async fn replicas_share_deliveries_without_sending_any_twice() {
    let receiver = Receiver::answering(200).await;
    let first = dispatching_app(|_| {}).await;
    let _second = spawn_replica(&first, |_| {}).await;
    let (webhook, _) = create_endpoint(&first, &receiver.url, json!({})).await;
    let mut events = Vec::new();
    for n in 0..40 {
        events
            .push(enqueue(&first, EventType::ShipmentLabelReady, &object_for(EventType::ShipmentLabelReady, n)).await);
    }
    let settled = settled_deliveries(&first, &webhook, 40, Duration::from_secs(60)).await;
    assert!(settled.iter().all(|d| d["status"] == "succeeded" && d["attempts"] == 1));
    let requests = receiver.requests();
    assert_eq!(requests.len(), 40, "no event sent twice");
    for event in events {
        assert_eq!(requests.iter().filter(|r| r.id == event.to_string()).count(), 1);
    }
}
