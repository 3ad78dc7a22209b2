//! Rate limits: Ecotrack's three windows or legacy headers, 429s, runtime
//! changes, per-account budgets, and the optional limit of the other carriers.

use serde_json::{Value, json};
use shipgate::sandbox::{EcotrackHeaderStyle, EcotrackLimits, RunningSandbox, SandboxConfig, demo_credentials};

use crate::common::*;
use crate::ecotrack::{token, url};

async fn wilayas(sb: &RunningSandbox, bearer: &str) -> reqwest::Response {
    client().get(url(sb, "get/wilayas")).bearer_auth(bearer).send().await.expect("call")
}

fn header(r: &reqwest::Response, name: &str) -> Option<u64> {
    r.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn every_answer_carries_three_windows() {
    let sb = start().await;
    let now = chrono::Utc::now().timestamp() as u64;
    let first = wilayas(&sb, &token()).await;
    let second = wilayas(&sb, &token()).await;
    for (name, limit) in [("Minute", 50), ("Hour", 1500), ("Day", 15000)] {
        assert_eq!(header(&first, &format!("x-ratelimit-limit-{name}")), Some(limit));
        assert_eq!(header(&first, &format!("x-ratelimit-remaining-{name}")), Some(limit - 1));
        assert_eq!(header(&second, &format!("x-ratelimit-remaining-{name}")), Some(limit - 2));
        let reset = header(&first, &format!("x-ratelimit-reset-{name}")).expect("reset");
        assert!(reset > now && reset <= now + 86_401, "{name} reset {reset} is a Unix time ahead");
    }
    assert!(first.headers().get("x-ratelimit-limit").is_none());
    let unauthenticated = wilayas(&sb, "wrong").await;
    assert_eq!(unauthenticated.status(), 401);
    assert!(unauthenticated.headers().get("x-ratelimit-remaining-minute").is_some());
}

#[tokio::test]
async fn over_the_limit_gets_429_with_retry_after_and_limits_change_at_runtime() {
    let sb = start().await;
    let (status, _) = admin_put(&sb, "/ratelimits", json!({"ecotrack": {"per_minute": 3}})).await;
    assert_eq!(status, 200);
    for _ in 0..3 {
        assert_eq!(wilayas(&sb, &token()).await.status(), 200);
    }
    let limited = wilayas(&sb, &token()).await;
    assert_eq!(limited.status(), 429);
    let retry = header(&limited, "retry-after").expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(header(&limited, "x-ratelimit-remaining-minute"), Some(0));
    assert_eq!(limited.json::<Value>().await.expect("json"), json!({"message": "Too Many Attempts."}));
    // Another account has its own budget.
    let (status, _) =
        admin_post(&sb, "/accounts", json!({"carrier": "ecotrack", "credentials": {"token": "second-token"}})).await;
    assert_eq!(status, 201);
    assert_eq!(wilayas(&sb, "second-token").await.status(), 200);
    let (_, raised) = admin_put(&sb, "/ratelimits", json!({"ecotrack": {"per_minute": 100}})).await;
    assert_eq!(raised["ecotrack"]["per_minute"], 100);
    assert_eq!(wilayas(&sb, &token()).await.status(), 200);
    let stats = admin_get(&sb, "/stats").await;
    assert_eq!(stats["rate_limited"]["ecotrack"]["by_account"][token()], 1);
}

#[tokio::test]
async fn the_hour_window_is_enforced_too() {
    let sb = start_with(SandboxConfig {
        ecotrack_limits: EcotrackLimits { per_minute: 50, per_hour: 2, per_day: 15000 },
        ..SandboxConfig::default()
    })
    .await;
    wilayas(&sb, &token()).await;
    wilayas(&sb, &token()).await;
    let limited = wilayas(&sb, &token()).await;
    assert_eq!(limited.status(), 429);
    assert!(header(&limited, "retry-after").is_some_and(|r| r > 60 && r <= 3600));
    assert_eq!(header(&limited, "x-ratelimit-remaining-minute"), Some(48));
}

#[tokio::test]
async fn legacy_hosts_send_two_headers() {
    let sb =
        start_with(SandboxConfig { ecotrack_header_style: EcotrackHeaderStyle::Legacy, ..SandboxConfig::default() })
            .await;
    let r = wilayas(&sb, &token()).await;
    assert_eq!(header(&r, "x-ratelimit-limit"), Some(50));
    assert_eq!(header(&r, "x-ratelimit-remaining"), Some(49));
    assert!(r.headers().get("x-ratelimit-limit-minute").is_none());
    let (_, settings) =
        admin_put(&sb, "/ratelimits", json!({"ecotrack_header_style": "three_windows", "ecotrack": {"per_minute": 1}}))
            .await;
    assert_eq!(settings["ecotrack_header_style"], "three_windows");
    let r = wilayas(&sb, &token()).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("x-ratelimit-limit-minute").is_some());
}

#[tokio::test]
async fn other_carriers_are_unlimited_unless_asked() {
    let sb = start().await;
    let mfb = demo_credentials().myflyingbox;
    let call =
        || client().get(format!("{}/myflyingbox/v2/", sb.base_url)).basic_auth(&mfb.login, Some(&mfb.password)).send();
    for _ in 0..5 {
        let r = call().await.expect("mfb");
        assert_eq!(r.status(), 200);
        assert!(r.headers().get("x-ratelimit-limit").is_none());
    }
    let (status, _) = admin_put(&sb, "/ratelimits", json!({"other_limit_per_minute": 2})).await;
    assert_eq!(status, 200);
    assert_eq!(call().await.expect("mfb").status(), 200);
    assert_eq!(call().await.expect("mfb").status(), 200);
    let limited = call().await.expect("mfb");
    assert_eq!(limited.status(), 429);
    assert!(header(&limited, "retry-after").is_some());
    let body: Value = limited.json().await.expect("json");
    assert_eq!(body["status"], "failure");
    let c = demo_credentials().coursier_fr;
    let coursier = || {
        client()
            .post(format!("{}/coursier/v3/tracking.php", sb.base_url))
            .json(&json!({"User": c.user, "Apikey": c.apikey, "ClientId": c.client_id, "MissionNumber": 9005657}))
            .send()
    };
    coursier().await.expect("c");
    coursier().await.expect("c");
    assert_eq!(coursier().await.expect("c").status(), 429);
    let (_, lifted) = admin_put(&sb, "/ratelimits", json!({"other_limit_per_minute": null})).await;
    assert!(lifted["other_limit_per_minute"].is_null());
    assert_eq!(call().await.expect("mfb").status(), 200);
}
