//! The real binary killed between the carrier's answer and the commit
//! (`SHIPGATE_FAILPOINT=after_carrier_create` aborts right there): after a
//! restart, the recovery worker finds the order by our reference. Exactly
//! one order upstream, one booked shipment here.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, SandboxConfig, spawn};
use shipgate::service::api_keys::{self, KeyMode};

use crate::common::TestDatabase;
use crate::common::binary::ShipgateProcess;
use crate::sandboxed::account_bodies;
use crate::support::{ecotrack_booking, ecourier_booking};

async fn sandbox_stats(sb: &RunningSandbox) -> Value {
    reqwest::get(format!("{}/_sandbox/stats", sb.base_url)).await.unwrap().json().await.unwrap()
}

async fn sandbox_orders(sb: &RunningSandbox, carrier: &str) -> usize {
    let v: Value =
        reqwest::get(format!("{}/_sandbox/orders?carrier={carrier}", sb.base_url)).await.unwrap().json().await.unwrap();
    v[carrier].as_array().unwrap().len()
}

async fn killed_after_the_carrier_answered(carrier: &str, create_endpoint: &str) {
    let db = TestDatabase::create().await;
    let sb = spawn(SandboxConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    // A one-second lease: the restarted process may recover the intent at once
    // (the sandbox answers in milliseconds, far within the lease).
    let lease = ("SHIPGATE_BOOKING_LEASE_SECS", "1");
    let mut first = ShipgateProcess::serve(&db.url, &[], &[("SHIPGATE_FAILPOINT", "after_carrier_create"), lease]);
    first.wait_ready().await;
    let pool = db.pool().await;
    let key = api_keys::create(&pool, "acme", KeyMode::Test).await.unwrap().secret;
    let client = reqwest::Client::new();
    let body = account_bodies(&sb.base_url).into_iter().find(|(c, _)| *c == carrier).unwrap().1;
    let account: Value = client
        .post(format!("{}/v1/carrier-accounts", first.base))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = account["id"].as_str().unwrap();
    let mut booking =
        if carrier == "ecotrack" { ecotrack_booking(account, "CRASH-1") } else { ecourier_booking(account, "Rush") };
    booking["reference"] = json!("CRASH-1");

    // The carrier creates the order; the process dies before recording it.
    let sent = client
        .post(format!("{}/v1/shipments", first.base))
        .bearer_auth(&key)
        .header("Idempotency-Key", "crash-1")
        .json(&booking)
        .send()
        .await;
    assert!(sent.is_err(), "the process should have died mid-request: {sent:?}");
    let status = first.wait_exit(Duration::from_secs(20)).await;
    assert!(!status.success(), "{status:?}");
    assert_eq!(sandbox_orders(&sb, carrier).await, 1);
    let pending: String = sqlx::query_scalar("SELECT status FROM shipments").fetch_one(&pool).await.unwrap();
    assert_eq!(pending, "booking", "the intent was committed before the carrier call");

    // Restarted: the recovery worker takes the intent once its lease is over.
    let second = ShipgateProcess::serve(&db.url, &[], &[lease]);
    second.wait_ready().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let shipment = loop {
        let list: Value = client
            .get(format!("{}/v1/shipments?reference=CRASH-1", second.base))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let shipment = list["data"][0].clone();
        if shipment["status"] == "booked" {
            break shipment;
        }
        assert!(Instant::now() < deadline, "not recovered: {shipment}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(shipment["carrier_order_id"].is_string());
    assert!(shipment["parcels"][0]["tracking_number"].is_string());
    let stats = sandbox_stats(&sb).await;
    assert_eq!(stats["calls"][carrier]["by_endpoint"][create_endpoint], 1, "{stats}");
    assert_eq!(sandbox_orders(&sb, carrier).await, 1, "exactly one order upstream");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM shipments").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn a_process_killed_after_ecotrack_created_the_order_never_books_twice() {
    killed_after_the_carrier_answered("ecotrack", "POST /api/v1/create/order").await;
}

#[tokio::test]
async fn a_process_killed_after_e_courier_created_the_order_never_books_twice() {
    killed_after_the_carrier_answered("ecourier", "POST /SaveOrder").await;
}
