//! The real `shipgate` binary: CLI commands, serving, graceful shutdown.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::TestDatabase;
use common::binary::{BIN, ShipgateProcess, free_port};
use serde_json::json;
use shipgate::domain::CarrierKind;

#[test]
fn openapi_command_prints_the_committed_document() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), committed);
}

#[tokio::test]
async fn serve_refuses_to_start_without_a_master_key() {
    let db = TestDatabase::create().await;
    let out = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SHIPGATE_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env_remove("SHIPGATE_MASTER_KEY")
        .env_remove("SHIPGATE_SANDBOX")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SHIPGATE_MASTER_KEY is not set"), "{stderr}");
}

#[tokio::test]
async fn a_new_key_works_and_sigterm_lets_in_flight_requests_finish() {
    let db = TestDatabase::create().await;
    let out = Command::new(BIN)
        .args(["api-key", "create", "--tenant", "acme", "--mode", "test"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("sg_test_"), "{key}");

    let server = ShipgateProcess::serve(&db.url, &[], &[("SHIPGATE_SHUTDOWN_GRACE_SECS", "20")]);
    server.wait_ready().await;
    let client = reqwest::Client::new();
    let docs = client.get(format!("{}/docs/", server.base)).send().await.unwrap();
    assert_eq!(docs.status(), 200);

    // A carrier that takes its time: the sandbox's Coursier.fr answers after 2 s.
    let sandbox = common::start_sandbox(Default::default()).await;
    let slow = client
        .put(format!("{}/_sandbox/faults/coursier_fr", sandbox.base_url))
        .json(&json!({"latency_ms": 2000}))
        .send()
        .await
        .unwrap();
    assert!(slow.status().is_success());
    let account = client
        .post(format!("{}/v1/carrier-accounts", server.base))
        .bearer_auth(&key)
        .json(&shipgate::demo::sandbox_account_request(CarrierKind::CoursierFr, &sandbox.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 201);
    let id = account.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

    // Start a slow request, then ask the server to stop while it runs.
    let in_flight = tokio::spawn({
        let client = client.clone();
        let url = format!("{}/v1/carrier-accounts/{id}/verify", server.base);
        let key = key.clone();
        async move { client.post(url).bearer_auth(key).send().await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.signal("TERM");
    let response = in_flight.await.unwrap().expect("the in-flight request completes");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["account"]["verification"]["status"], "verified");

    let mut server = server;
    let status = server.wait_exit(Duration::from_secs(15)).await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn serve_sandbox_gives_a_working_demo_in_one_command() {
    let db = TestDatabase::create().await;
    let sandbox_port = free_port();
    let sandbox_listen = format!("127.0.0.1:{sandbox_port}");
    let env = [("SHIPGATE_SANDBOX_LISTEN", sandbox_listen.as_str()), ("SHIPGATE_MASTER_KEY", "")];
    let mut server = ShipgateProcess::serve_with_stdout(&db.url, &["--sandbox"], &env, Stdio::piped());
    server.wait_ready().await;
    // The banner is printed before the server reports ready.
    let stdout = server.child.stdout.take().unwrap();
    let banner = tokio::task::spawn_blocking(move || {
        use std::io::{BufRead, BufReader};
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take_while(|l| !l.contains("export KEY"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let key = banner.iter().find_map(|l| l.trim().strip_prefix("API key")).unwrap().trim().to_owned();
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{}/healthz", server.base)).send().await.unwrap().status(), 200);
    assert_eq!(client.get(format!("{}/docs/", server.base)).send().await.unwrap().status(), 200);
    let accounts: serde_json::Value = client
        .get(format!("{}/v1/carrier-accounts", server.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let accounts = accounts["data"].as_array().unwrap();
    assert_eq!(accounts.len(), 4, "one sandbox account per carrier");
    for account in accounts {
        let id = account["id"].as_str().unwrap();
        let r = client
            .post(format!("{}/v1/carrier-accounts/{id}/verify", server.base))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", account["carrier"]);
    }
}
