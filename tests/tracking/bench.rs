//! Benchmark (ignored; run by bench/tracking.sh): 10,000 trackers across the
//! four sandbox carriers refreshed once by two replicas. Prints BENCH lines:
//! upstream calls counted by the sandbox against the minimum, 429s, wall time.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;
use serde_json::{Value, json};
use shipgate::service::tracking::refresh::{Pass, run_once};

use crate::common::{TestApp, json, spawn_replica};
use crate::refresh::book_ecotrack;
use crate::support::{book, ecourier_booking, nice, parcel, setup, toulouse};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn drain(app: &TestApp) -> Pass {
    let mut total = Pass::default();
    loop {
        let pass = run_once(&app.state, 1000).await.expect("a refresh pass");
        if pass.claimed == 0 {
            return total;
        }
        total.claimed += pass.claimed;
        total.updated += pass.updated;
        total.not_found += pass.not_found;
        total.failed += pass.failed;
    }
}

async fn concurrently<F, Fut>(n: usize, f: F)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    stream::iter(0..n).map(f).buffer_unordered(16).collect::<Vec<()>>().await;
}

#[tokio::test]
#[ignore = "benchmark: bench/tracking.sh"]
async fn bench_refresh_10000_trackers_with_two_replicas() {
    let (eco, cfr, mfb, ecr) =
        (env("BENCH_ECOTRACK", 4000), env("BENCH_COURSIER", 3000), env("BENCH_MFB", 1500), env("BENCH_ECOURIER", 1500));
    let (app, sb) = setup().await;
    let replica = spawn_replica(&app, |_| {}).await;
    let setup_started = Instant::now();
    book_ecotrack(&app, &sb.ecotrack, eco).await;
    concurrently(mfb, |i| {
        let (app, account) = (&app, &sb.myflyingbox);
        async move {
            let body = json!({"carrier_account": account, "service": "colissimo_home", "shipper": toulouse(),
                              "recipient": nice(), "parcels": [parcel()], "reference": format!("MFB-{i}")});
            book(app, body).await;
        }
    })
    .await;
    concurrently(ecr, |_| {
        let (app, account) = (&app, &sb.ecourier);
        async move {
            book(app, ecourier_booking(account, "Route")).await;
        }
    })
    .await;
    let mut missions: Vec<Value> = Vec::new();
    for i in 0..cfr {
        let m = sb.admin_post("/coursier_fr/missions", json!({"reference": format!("B{i}")})).await;
        missions.push(json!({"carrier_account_id": sb.coursier_fr, "tracking_number": m["MissionNumber"]}));
    }
    for chunk in missions.chunks(1000) {
        let r = app.post("/v1/trackers/batch", &json!({"trackers": chunk})).await;
        assert_eq!(r.status(), 200);
    }
    let total = eco + cfr + mfb + ecr;
    let count = json(app.get("/v1/trackers?limit=1").await).await;
    assert!(count["data"].as_array().unwrap().len() == 1);
    println!("BENCH setup: {total} trackers in {:.1} s", setup_started.elapsed().as_secs_f64());
    // A fresh Ecotrack minute window, then count only the refresh.
    tokio::time::sleep(Duration::from_secs(61)).await;
    sb.admin_post("/stats/reset", json!({})).await;

    let started = Instant::now();
    let (a, b) = tokio::join!(drain(&app), drain(&replica));
    let wall = started.elapsed();
    let stats = sb.admin_get("/stats").await;
    let calls = |carrier: &str| stats["calls"][carrier]["total"].as_u64().unwrap_or(0);
    let limited: u64 = ["ecotrack", "coursier_fr", "myflyingbox", "ecourier"]
        .iter()
        .map(|c| stats["rate_limited"][c]["total"].as_u64().unwrap_or(0))
        .sum();
    let minimum = eco.div_ceil(100) + usize::from(cfr > 0) + mfb + ecr;
    let made: u64 = ["ecotrack", "coursier_fr", "myflyingbox", "ecourier"].iter().map(|c| calls(c)).sum();
    println!(
        "BENCH refresh: trackers={total} claimed={} (replica A {} / B {}) updated={} failed={} not_found={}",
        a.claimed + b.claimed,
        a.claimed,
        b.claimed,
        a.updated + b.updated,
        a.failed + b.failed,
        a.not_found + b.not_found
    );
    println!(
        "BENCH calls: total={made} minimum={minimum} ecotrack={} coursier_fr={} myflyingbox={} ecourier={} upstream_429={limited} wall={:.2}s",
        calls("ecotrack"),
        calls("coursier_fr"),
        calls("myflyingbox"),
        calls("ecourier"),
        wall.as_secs_f64()
    );
    assert_eq!(a.claimed + b.claimed, total, "every tracker polled exactly once");
    assert_eq!(made as usize, minimum, "upstream calls equal the minimum");
    assert_eq!(limited, 0, "no 429");
}
