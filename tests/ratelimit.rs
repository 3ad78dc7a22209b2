//! Rate limiting against the real sandbox over HTTP, with real Postgres (and
//! Redis): upstream budgets shared by two replicas, headers learned, 429s
//! and resets honoured, priorities, deadlines, the breaker, retries, and the
//! inbound per-key limit. Replicas live in one process but share state only
//! through Postgres or Redis. Time bounds are loose on purpose: orderings and
//! exact counts (from `/_sandbox/stats`) carry the assertions.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{TestApp, assert_problem, json, spawn_app_with, spawn_app_with_sandbox, spawn_replica};
use serde_json::{Value, json};
use shipgate::carriers::ecotrack::client::{Client, TokenIn};
use shipgate::carriers::ecotrack::credentials::Credentials;
use shipgate::carriers::http::{Safety, UpstreamResponse};
use shipgate::carriers::{CallCtx, CarrierError, Priority};
use shipgate::config::Config;
use shipgate::domain::ids::CarrierAccountId;
use shipgate::ratelimit::shared::unix_ms;
use shipgate::sandbox::{EcotrackHeaderStyle, RunningSandbox, SandboxConfig, demo_credentials};
use shipgate::service::tracking::refresh::run_once;

const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The sandbox an app (and its replicas) talks to, as seen by the test.
struct Sandbox {
    running: Arc<RunningSandbox>,
    http: reqwest::Client,
}

/// Ecotrack's per-minute budget and header style; hour and day at their defaults.
fn ecotrack_limits(per_minute: u32, style: EcotrackHeaderStyle) -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.ecotrack_limits.per_minute = per_minute;
    config.ecotrack_header_style = style;
    config
}

impl Sandbox {
    fn of(app: &TestApp) -> Sandbox {
        Sandbox { running: app.sandbox.clone(), http: reqwest::Client::new() }
    }

    fn ecotrack_url(&self) -> String {
        format!("{}/ecotrack", self.running.base_url)
    }

    async fn stats(&self) -> Value {
        let r = self.http.get(format!("{}/_sandbox/stats", self.running.base_url)).send().await.unwrap();
        r.json().await.unwrap()
    }

    /// Ecotrack calls that reached the sandbox, and how many got a 429.
    async fn ecotrack_counts(&self) -> (u64, u64) {
        let stats = self.stats().await;
        let calls = stats["calls"]["ecotrack"]["total"].as_u64().unwrap();
        let limited = stats["rate_limited"]["ecotrack"]["total"].as_u64().unwrap();
        (calls, limited)
    }

    async fn endpoint_calls(&self, endpoint: &str) -> u64 {
        self.stats().await["calls"]["ecotrack"]["by_endpoint"][endpoint].as_u64().unwrap_or(0)
    }

    async fn put(&self, path: &str, body: Value) {
        let r = self.http.put(format!("{}/_sandbox{path}", self.running.base_url)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    async fn delete(&self, path: &str) {
        let r = self.http.delete(format!("{}/_sandbox{path}", self.running.base_url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }

    /// A call by another client of the same Ecotrack account (not shipgate).
    async fn direct_call(&self) -> reqwest::Response {
        let url = format!("{}/api/v1/get/wilayas", self.ecotrack_url());
        self.http.get(url).bearer_auth(demo_credentials().ecotrack.token).send().await.unwrap()
    }
}

/// Fast retries; everything else as configured by default.
fn base(config: &mut Config) {
    config.rate_limits.upstream_retry_base_ms = 20;
    config.rate_limits.upstream_retry_cap_ms = 200;
}

fn no_reserve(config: &mut Config) {
    base(config);
    config.rate_limits.upstream_interactive_reserve_percent = 0;
}

struct Account {
    id: String,
    account: CarrierAccountId,
}

impl Account {
    async fn create(app: &TestApp, sandbox: &Sandbox) -> Account {
        let body = json!({
            "carrier": "ecotrack",
            "name": "Sandbox shop",
            "credentials": {"api_token": demo_credentials().ecotrack.token},
            "base_url": sandbox.ecotrack_url(),
        });
        let created = json(app.post("/v1/carrier-accounts", &body).await).await;
        let id = created["id"].as_str().expect("account id").to_owned();
        Account { account: id.parse().unwrap(), id }
    }

    fn budget(&self) -> String {
        format!("ecotrack:{}", self.account)
    }
}

/// An interactive call through the public API (one upstream call).
async fn verify(app: &TestApp, account: &Account) -> reqwest::Response {
    app.post(&format!("/v1/carrier-accounts/{}/verify", account.id), &json!({})).await
}

fn ecotrack(app: &TestApp, sandbox: &Sandbox) -> Client {
    Client {
        http: app.state.carriers.http.clone(),
        base_url: sandbox.ecotrack_url(),
        credentials: Credentials { api_token: demo_credentials().ecotrack.token },
        reference_cache: app.state.carriers.reference_cache.clone(),
    }
}

/// A background tracking refresh (bulk status of up to 100 parcels), as
/// the refresh worker would send it through the Ecotrack connector.
async fn refresh(
    app: &TestApp,
    sandbox: &Sandbox,
    account: &Account,
    deadline: Duration,
) -> Result<UpstreamResponse, CarrierError> {
    let client = ecotrack(app, sandbox);
    let ctx = CallCtx::background(app.tenant, account.account).with_deadline(Instant::now() + deadline);
    let builder = client
        .http
        .client()
        .get(client.url("get/orders/status"))
        .query(&[("trackings", "ECABCD2401010001"), ("status", "all")]);
    client.send(&ctx, "refresh_statuses", builder, TokenIn::Query, Safety::Safe).await
}

async fn metrics(app: &TestApp) -> String {
    app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap()
}

/// The budget document as Postgres holds it.
async fn stored_budget(app: &TestApp, account: &Account) -> Value {
    let text: String = sqlx::query_scalar("SELECT state::text FROM upstream_budgets WHERE budget_key = $1")
        .bind(account.budget())
        .fetch_one(&app.state.db)
        .await
        .expect("budget row");
    serde_json::from_str(&text).unwrap()
}

fn count_ok(results: &[Result<UpstreamResponse, CarrierError>]) -> usize {
    results.iter().filter(|r| r.as_ref().is_ok_and(|r| r.status == 200)).count()
}

fn count_rate_limited(results: &[Result<UpstreamResponse, CarrierError>]) -> usize {
    results.iter().filter(|r| matches!(r, Err(CarrierError::RateLimited { .. }))).count()
}

/// Background calls from two replicas at once, each with a short deadline.
async fn burst(
    replicas: [&TestApp; 2],
    sandbox: &Sandbox,
    account: &Account,
    per_replica: usize,
    deadline: Duration,
) -> Vec<Result<UpstreamResponse, CarrierError>> {
    let calls = replicas
        .iter()
        .flat_map(|app| (0..per_replica).map(move |_| refresh(app, sandbox, account, deadline)))
        .collect::<Vec<_>>();
    futures_util::future::join_all(calls).await
}

/// One window of 10, two replicas hammering it: exactly 10 calls reach the
/// carrier (9 background, 1 interactive from the reserve), none is refused.
async fn two_replicas_share_one_window(redis: bool) {
    let configure = |config: &mut Config| {
        base(config);
        if redis {
            config.redis_url = Some(REDIS_URL.to_owned());
        }
    };
    let a = spawn_app_with_sandbox(ecotrack_limits(10, EcotrackHeaderStyle::ThreeWindows), configure).await;
    let b = spawn_replica(&a, configure).await;
    let sandbox = Sandbox::of(&a);
    let account = Account::create(&a, &sandbox).await;

    let results = burst([&a, &b], &sandbox, &account, 8, Duration::from_secs(8)).await;
    assert_eq!(count_ok(&results), 9, "background gets 9 of 10: one unit stays for interactive calls");
    assert_eq!(count_rate_limited(&results), 7, "the rest fail fast instead of waiting past their deadline");

    assert_eq!(verify(&b, &account).await.status(), 200, "the reserve serves the interactive call");
    let refused = verify(&a, &account).await;
    assert_problem(refused, 503, "upstream_rate_limited").await;

    assert_eq!(sandbox.ecotrack_counts().await, (10, 0), "10 calls, no 429");
    if !redis {
        let stored = stored_budget(&a, &account).await;
        assert_eq!(stored["windows"][0]["used"], 10, "{stored}");
        assert_eq!(stored["windows"][0]["reset_known"], true, "{stored}");
    }
}

#[tokio::test]
async fn two_replicas_share_one_window_through_postgres() {
    two_replicas_share_one_window(false).await;
}

#[tokio::test]
async fn two_replicas_share_one_window_through_redis() {
    two_replicas_share_one_window(true).await;
}

/// A burst longer than a window, through two replicas, with interactive
/// calls mixed in: everything succeeds, the carrier never says 429, and the
/// second window is used as soon as it opens.
#[tokio::test]
async fn a_burst_across_windows_through_two_replicas_gets_no_429() {
    let a = spawn_app_with_sandbox(ecotrack_limits(12, EcotrackHeaderStyle::ThreeWindows), base).await;
    let b = spawn_replica(&a, base).await;
    let sandbox = Sandbox::of(&a);
    let account = Account::create(&a, &sandbox).await;
    let started = Instant::now();

    let background = burst([&a, &b], &sandbox, &account, 10, Duration::from_secs(110));
    let interactive = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let first = verify(&a, &account).await.status().as_u16();
        let second = verify(&b, &account).await.status().as_u16();
        (first, second, started.elapsed())
    };
    let (results, (first, second, interactive_done)) = tokio::join!(background, interactive);

    assert_eq!((first, second), (200, 200));
    assert!(interactive_done < Duration::from_secs(20), "interactive calls did not wait for the next window");
    assert_eq!(count_ok(&results), 20, "{results:?}");
    let elapsed = started.elapsed();
    assert!(elapsed > Duration::from_secs(59), "12 + 10 calls need a second window; took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(100), "the second window was used when it opened; took {elapsed:?}");
    assert_eq!(sandbox.ecotrack_counts().await, (22, 0));
    let text = metrics(&a).await;
    assert!(text.contains(r#"shipgate_upstream_queue_wait_seconds_bucket{priority="background",le="+Inf"}"#), "{text}");
    assert!(
        text.contains(&format!(
            r#"shipgate_upstream_budget_limit{{budget="{}",window="minute"}} 12"#,
            account.budget()
        )),
        "the learned limit is exported: {text}"
    );
}

/// Another client of the account empties the window: shipgate's call gets a
/// 429 with Retry-After, and neither replica calls again before it passes.
#[tokio::test]
async fn retry_after_is_honoured_to_the_second_by_both_replicas() {
    let a = spawn_app_with_sandbox(ecotrack_limits(3, EcotrackHeaderStyle::ThreeWindows), base).await;
    let b = spawn_replica(&a, base).await;
    let sandbox = Sandbox::of(&a);
    let account = Account::create(&a, &sandbox).await;
    let mut reset_s = 0;
    for _ in 0..3 {
        let r = sandbox.direct_call().await;
        assert_eq!(r.status(), 200);
        reset_s = r.headers()["x-ratelimit-reset-minute"].to_str().unwrap().parse::<i64>().unwrap();
    }

    let call_a = async {
        let result = refresh(&a, &sandbox, &account, Duration::from_secs(110)).await;
        (result.map(|r| r.status.as_u16()), unix_ms())
    };
    let call_b = async {
        // Starts once A has been refused, so it can only know through the shared budget.
        while sandbox.ecotrack_counts().await.1 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let result = refresh(&b, &sandbox, &account, Duration::from_secs(110)).await;
        (result.map(|r| r.status.as_u16()), unix_ms())
    };
    let ((result_a, done_a), (result_b, done_b)) = tokio::join!(call_a, call_b);

    assert_eq!(result_a.unwrap(), 200, "A retried after the Retry-After");
    assert_eq!(result_b.unwrap(), 200);
    let reset_ms = reset_s * 1000;
    println!(
        "BENCH retry_after: answered {} ms (A) and {} ms (B) after the window reset",
        done_a - reset_ms,
        done_b - reset_ms
    );
    for done in [done_a, done_b] {
        assert!(done >= reset_ms, "answered {} ms before the window reset", reset_ms - done);
        assert!(done < reset_ms + 5_000, "answered {} ms after the window reset", done - reset_ms);
    }
    assert_eq!(sandbox.ecotrack_counts().await, (3 + 1 + 2, 1), "one 429, never a second");
    let text = metrics(&a).await;
    assert!(text.contains(r#"shipgate_upstream_rate_limited_total{carrier="ecotrack"} 1"#), "{text}");
}

/// Shipgate spends the window itself: the next call waits for the reset the
/// carrier announced, and goes out right after it.
#[tokio::test]
async fn the_announced_reset_is_honoured_to_the_second() {
    let app = spawn_app_with_sandbox(ecotrack_limits(3, EcotrackHeaderStyle::ThreeWindows), no_reserve).await;
    let sandbox = Sandbox::of(&app);
    let account = Account::create(&app, &sandbox).await;
    for _ in 0..3 {
        assert_eq!(refresh(&app, &sandbox, &account, Duration::from_secs(10)).await.unwrap().status, 200);
    }
    let stored = stored_budget(&app, &account).await;
    assert_eq!(stored["windows"][0]["reset_known"], true, "{stored}");
    let reset_ms = stored["windows"][0]["reset_ms"].as_i64().unwrap();

    let fourth = refresh(&app, &sandbox, &account, Duration::from_secs(110)).await;
    let done = unix_ms();
    println!("BENCH reset: answered {} ms after the announced reset", done - reset_ms);
    assert_eq!(fourth.unwrap().status, 200);
    assert!(done >= reset_ms, "sent {} ms before the reset", reset_ms - done);
    assert!(done < reset_ms + 5_000, "sent {} ms after the reset", done - reset_ms);
    assert_eq!(sandbox.ecotrack_counts().await, (4, 0));
}

/// The carrier lowers its limit mid-window: shipgate stops at the new limit
/// (no 429); it raises it later: shipgate uses the larger budget.
async fn a_changed_limit_is_followed(style: EcotrackHeaderStyle) {
    let app = spawn_app_with_sandbox(ecotrack_limits(20, style), no_reserve).await;
    let sandbox = Sandbox::of(&app);
    let account = Account::create(&app, &sandbox).await;
    for _ in 0..5 {
        assert_eq!(refresh(&app, &sandbox, &account, Duration::from_secs(5)).await.unwrap().status, 200);
    }
    sandbox.put("/ratelimits", json!({"ecotrack": {"per_minute": 8}})).await;
    let mut results = Vec::new();
    for _ in 0..10 {
        results.push(refresh(&app, &sandbox, &account, Duration::from_secs(5)).await);
    }
    assert_eq!(count_ok(&results), 3, "8 in the window, 5 of them before the change");
    assert_eq!(count_rate_limited(&results), 7);
    assert_eq!(sandbox.ecotrack_counts().await, (8, 0));

    sandbox.put("/ratelimits", json!({"ecotrack": {"per_minute": 30}})).await;
    let mut results = Vec::new();
    for _ in 0..25 {
        results.push(refresh(&app, &sandbox, &account, Duration::from_secs(90)).await);
    }
    assert_eq!(count_ok(&results), 25, "the raised limit is used in the next window: {results:?}");
    assert_eq!(sandbox.ecotrack_counts().await, (33, 0));
}

#[tokio::test]
async fn a_changed_limit_is_followed_with_three_window_headers() {
    a_changed_limit_is_followed(EcotrackHeaderStyle::ThreeWindows).await;
}

#[tokio::test]
async fn a_changed_limit_is_followed_with_legacy_headers() {
    a_changed_limit_is_followed(EcotrackHeaderStyle::Legacy).await;
}

/// A background backlog waits on replica A; interactive calls on either
/// replica are served at once from the interactive reserve.
#[tokio::test]
async fn interactive_calls_are_served_ahead_of_a_background_backlog() {
    let reserve = |config: &mut Config| {
        base(config);
        config.rate_limits.upstream_interactive_reserve_percent = 30;
    };
    let a = spawn_app_with_sandbox(ecotrack_limits(10, EcotrackHeaderStyle::ThreeWindows), reserve).await;
    let b = spawn_replica(&a, reserve).await;
    let sandbox = Sandbox::of(&a);
    let account = Account::create(&a, &sandbox).await;
    let limiter = a.state.carriers.http.control().limiter.clone();

    let backlog =
        futures_util::future::join_all((0..12).map(|_| refresh(&a, &sandbox, &account, Duration::from_secs(100))));
    let interactive = async {
        // The backlog has settled: 7 sent, 5 waiting for the window's end.
        while limiter.waiting(&account.budget(), Priority::Background) != 5 || sandbox.ecotrack_counts().await.0 != 7 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let started = Instant::now();
        let statuses = [
            verify(&b, &account).await.status().as_u16(),
            verify(&a, &account).await.status().as_u16(),
            verify(&b, &account).await.status().as_u16(),
        ];
        let waiting = limiter.waiting(&account.budget(), Priority::Background);
        (statuses, started.elapsed(), waiting)
    };
    tokio::select! {
        _ = backlog => panic!("the background backlog finished before the interactive calls"),
        (statuses, took, still_waiting) = interactive => {
            assert_eq!(statuses, [200, 200, 200]);
            assert!(took < Duration::from_secs(15), "interactive calls waited {took:?}");
            assert_eq!(still_waiting, 5, "the backlog is still waiting");
        }
    }
    assert_eq!(sandbox.ecotrack_counts().await, (10, 0), "7 background + 3 interactive");
}

#[tokio::test]
async fn an_interactive_call_that_would_wait_past_its_deadline_gets_503_with_retry_after() {
    let app = spawn_app_with_sandbox(ecotrack_limits(2, EcotrackHeaderStyle::ThreeWindows), no_reserve).await;
    let sandbox = Sandbox::of(&app);
    let account = Account::create(&app, &sandbox).await;
    assert_eq!(verify(&app, &account).await.status(), 200);
    assert_eq!(verify(&app, &account).await.status(), 200);
    let started = Instant::now();
    let refused = verify(&app, &account).await;
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let problem = assert_problem(refused, 503, "upstream_rate_limited").await;
    assert!(started.elapsed() < Duration::from_secs(5), "it failed fast");
    assert!((25..=61).contains(&retry_after), "Retry-After {retry_after} points at the window's end");
    assert_eq!(problem["retry_after"], retry_after);
    assert_eq!(problem["carrier"]["carrier"], "ecotrack");
    assert_eq!(sandbox.ecotrack_counts().await, (2, 0));
}

#[tokio::test]
async fn the_breaker_opens_probes_and_closes() {
    let app = spawn_app_with(|config| {
        base(config);
        config.rate_limits.upstream_max_attempts = 1;
        config.rate_limits.upstream_breaker_failures = 3;
        config.rate_limits.upstream_breaker_cooldown_ms = 1_500;
    })
    .await;
    let sandbox = Sandbox::of(&app);
    let account = Account::create(&app, &sandbox).await;
    let gauge = format!(r#"shipgate_upstream_circuit_state{{budget="{}"}}"#, account.budget());
    sandbox.put("/faults/ecotrack", json!({"error_rate": 1.0})).await;
    for _ in 0..3 {
        assert_problem(verify(&app, &account).await, 503, "carrier_unavailable").await;
    }
    let open = assert_problem(verify(&app, &account).await, 503, "carrier_circuit_open").await;
    assert_eq!(open["circuit_state"], "open");
    assert_eq!(sandbox.ecotrack_counts().await.0, 3, "an open circuit sends nothing");
    assert!(metrics(&app).await.contains(&format!("{gauge} 2")));

    // After the cool-down one probe goes; it fails, so the circuit opens again.
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert!(metrics(&app).await.contains(&format!("{gauge} 1")), "half-open after the cool-down");
    assert_problem(verify(&app, &account).await, 503, "carrier_unavailable").await;
    assert_problem(verify(&app, &account).await, 503, "carrier_circuit_open").await;
    assert_eq!(sandbox.ecotrack_counts().await.0, 4);

    // The carrier heals (slowly): one probe at a time, then closed.
    sandbox.put("/faults/ecotrack", json!({"latency_ms": 600})).await;
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    let probe = verify(&app, &account);
    let concurrent = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        verify(&app, &account).await
    };
    let (probe, concurrent) = tokio::join!(probe, concurrent);
    assert_eq!(probe.status(), 200);
    let half_open = assert_problem(concurrent, 503, "carrier_circuit_open").await;
    assert_eq!(half_open["circuit_state"], "half_open");
    sandbox.delete("/faults/ecotrack").await;
    assert_eq!(verify(&app, &account).await.status(), 200);
    assert!(metrics(&app).await.contains(&format!("{gauge} 0")), "closed");
    assert_eq!(sandbox.ecotrack_counts().await.0, 6);
}

#[tokio::test]
async fn safe_calls_are_retried_and_unsafe_ones_never() {
    let app = spawn_app_with(base).await;
    let sandbox = Sandbox::of(&app);
    let account = Account::create(&app, &sandbox).await;

    sandbox.put("/faults/ecotrack", json!({"fail_next": 2})).await;
    let read = refresh(&app, &sandbox, &account, Duration::from_secs(20)).await;
    assert_eq!(read.unwrap().status, 200, "the third attempt succeeds");
    assert_eq!(sandbox.endpoint_calls("GET /api/v1/get/orders/status").await, 3);

    let create = |client: &Client| {
        client.http.client().post(client.url("create/order")).json(&json!({
            "nom_client": "Amine", "telephone": "0550123456", "adresse": "1 rue Didouche", "commune": "Alger Centre",
            "code_wilaya": 16, "montant": 2500, "type": 1,
        }))
    };
    let client = ecotrack(&app, &sandbox);
    let ctx = CallCtx::interactive(app.tenant, account.account);
    sandbox.put("/faults/ecotrack", json!({"fail_next": 1})).await;
    let failed = client.send(&ctx, "create_order", create(&client), TokenIn::Header, Safety::Unsafe).await;
    assert!(matches!(failed, Err(CarrierError::Unavailable { .. })), "{failed:?}");
    assert_eq!(sandbox.endpoint_calls("POST /api/v1/create/order").await, 1, "a create is never repeated");

    sandbox.put("/faults/ecotrack", json!({"drop_rate": 1.0})).await;
    let lost = client.send(&ctx, "create_order", create(&client), TokenIn::Header, Safety::Unsafe).await;
    assert!(matches!(lost, Err(CarrierError::OutcomeUnknown { .. })), "{lost:?}");
    assert_eq!(sandbox.endpoint_calls("POST /api/v1/create/order").await, 2, "not even when the answer is lost");

    sandbox.delete("/faults/ecotrack").await;
    let created = client.send(&ctx, "create_order", create(&client), TokenIn::Header, Safety::Unsafe).await;
    assert_eq!(created.unwrap().status, 200);
    let text = metrics(&app).await;
    assert!(
        text.contains(r#"shipgate_upstream_retries_total{carrier="ecotrack",operation="refresh_statuses"} 2"#),
        "{text}"
    );
}

#[tokio::test]
async fn inbound_requests_are_limited_per_key_with_headers() {
    let app = spawn_app_with(|config| {
        config.rate_limits.inbound_per_second = 1;
        config.rate_limits.inbound_burst = 3;
    })
    .await;
    for remaining in [2, 1, 0] {
        let r = app.get("/v1/carrier-accounts").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["ratelimit-policy"], r#""api-key";q=3;w=3"#);
        let limit = r.headers()["ratelimit"].to_str().unwrap().to_owned();
        assert!(limit.starts_with(&format!(r#""api-key";r={remaining};t="#)), "{limit}");
    }
    let refused = app.get("/v1/carrier-accounts").await;
    assert_eq!(refused.headers()["ratelimit-policy"], r#""api-key";q=3;w=3"#);
    assert_eq!(refused.headers()["ratelimit"], r#""api-key";r=0;t=1"#);
    assert_eq!(refused.headers()["retry-after"], "1");
    let problem = assert_problem(refused, 429, "rate_limited").await;
    assert_eq!(problem["retry_after"], 1);

    // Another tenant with its own, larger limit in its settings.
    let other = app.key_for("globex").await;
    let tenant = shipgate::store::tenants::find_or_create(&app.state.db, "globex").await.unwrap();
    let settings = json!({"inbound_rate_limit": {"per_second": 100, "burst": 20}});
    shipgate::store::tenants::update_settings(&app.state.db, tenant.id.into(), &settings).await.unwrap();
    for _ in 0..10 {
        let r = app.get_as(&other, "/v1/carrier-accounts").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["ratelimit-policy"], r#""api-key";q=20;w=1"#);
    }
    // The first key's budget comes back at its rate.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(app.get("/v1/carrier-accounts").await.status(), 200);
    let text = metrics(&app).await;
    assert!(text.contains("shipgate_inbound_rate_limited_total 1"), "{text}");
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs the refresh worker's pass until nothing is due; trackers claimed and
/// when the last pass ended.
async fn drain_refresh(app: &TestApp, started: Instant) -> (usize, Duration) {
    let mut claimed = 0;
    loop {
        let pass = run_once(&app.state, 1000).await.expect("a refresh pass");
        if pass.claimed == 0 {
            return (claimed, started.elapsed());
        }
        claimed += pass.claimed;
    }
}

/// Issue 7's benchmark, parameterised by environment (see bench/ratelimit.sh):
/// `BENCH_REFRESHES` trackers refreshed by the tracking refresh worker's pass
/// on two replicas (bulk status calls of 100, Background priority), plus
/// `BENCH_INTERACTIVE` verify calls through the API (one every
/// `BENCH_INTERACTIVE_EVERY_MS`, alternating replicas), against the
/// sandbox's Ecotrack at `BENCH_PER_MINUTE` (hour and day at their defaults).
/// Budgets in Postgres, or Redis with `BENCH_REDIS=1`.
#[tokio::test]
#[ignore = "benchmark, minutes long: run it through bench/ratelimit.sh"]
async fn bench_refresh_burst_through_two_replicas() {
    let refreshes: usize = env_or("BENCH_REFRESHES", 5000);
    // Ecotrack's bulk status call takes 100 trackings; the worker fills it.
    let batch: usize = 100;
    let per_minute: u32 = env_or("BENCH_PER_MINUTE", 50);
    let interactive: usize = env_or("BENCH_INTERACTIVE", 10);
    let every = Duration::from_millis(env_or("BENCH_INTERACTIVE_EVERY_MS", 11_000));
    let redis = env_or("BENCH_REDIS", 0) == 1;
    let configure = |config: &mut Config| {
        base(config);
        if redis {
            config.redis_url = Some(REDIS_URL.to_owned());
        }
    };
    let a = spawn_app_with_sandbox(ecotrack_limits(per_minute, EcotrackHeaderStyle::ThreeWindows), configure).await;
    let b = spawn_replica(&a, configure).await;
    let sandbox = Sandbox::of(&a);
    let account = Account::create(&a, &sandbox).await;
    let calls = refreshes.div_ceil(batch);
    // The parcels are tracked through the API; the refresh worker's own pass
    // (`service::tracking::refresh::run_once`) refreshes them on both replicas.
    let numbers: Vec<String> = (0..refreshes).map(|i| format!("ECBNCH{:010}", i)).collect();
    for chunk in numbers.chunks(1000) {
        let items: Vec<Value> =
            chunk.iter().map(|n| json!({"carrier_account_id": account.id, "tracking_number": n})).collect();
        let r = a.post("/v1/trackers/batch", &json!({"trackers": items})).await;
        assert_eq!(r.status(), 200, "trackers created");
    }
    let started = Instant::now();

    let background = async {
        let ((ca, ta), (cb, tb)) = tokio::join!(drain_refresh(&a, started), drain_refresh(&b, started));
        (ca + cb, ta.max(tb))
    };
    // The backlog lives in Postgres (trackers due), not in the limiter's
    // queue, where each replica's worker holds at most a few bulk calls
    // (`CALLS_IN_PARALLEL` per account).
    let db = &a.state.db;
    let interactive_calls = futures_util::future::join_all((0..interactive).map(|i| {
        let app = if i % 2 == 0 { &b } else { &a };
        let account = &account;
        async move {
            tokio::time::sleep(Duration::from_secs(1) + every * i as u32).await;
            let sent = started.elapsed();
            let status = verify(app, account).await.status().as_u16();
            let took = started.elapsed() - sent;
            let backlog: i64 = sqlx::query_scalar("SELECT count(*) FROM trackers WHERE last_checked_at IS NULL")
                .fetch_one(db)
                .await
                .unwrap();
            (status, sent, took, backlog as usize)
        }
    }));
    let ((claimed, finished), interactive_results) = tokio::join!(background, interactive_calls);
    let checked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM trackers WHERE last_checked_at IS NOT NULL AND check_failures <= 1")
            .fetch_one(&a.state.db)
            .await
            .unwrap();
    let background_ok = sandbox.endpoint_calls("GET /api/v1/get/orders/status").await as usize;
    let during_backlog: Vec<_> = interactive_results.iter().filter(|(_, sent, _, _)| *sent < finished).collect();
    let served = calls + during_backlog.iter().filter(|(status, ..)| *status == 200).count();
    let quota = Duration::from_secs(60 * ((served as u64).saturating_sub(1) / u64::from(per_minute.max(1))));
    let (upstream, limited) = sandbox.ecotrack_counts().await;
    let mut latencies: Vec<f64> =
        interactive_results.iter().map(|(_, _, took, _)| took.as_secs_f64() * 1000.0).collect();
    latencies.sort_by(f64::total_cmp);
    let interactive_ok = interactive_results.iter().filter(|(status, ..)| *status == 200).count();
    let min_backlog = during_backlog.iter().map(|(.., backlog)| *backlog).min().unwrap_or(0);
    let waits = metrics(&a).await;
    let over = (finished.as_secs_f64() / quota.as_secs_f64().max(1.0) - 1.0) * 100.0;

    println!(
        "BENCH setup: refreshes={refreshes} batch={batch} background_calls={calls} interactive={interactive} \
         every_ms={} per_minute={per_minute} store={}",
        every.as_millis(),
        if redis { "redis" } else { "postgres" }
    );
    println!(
        "BENCH result: backlog_done_s={:.2} quota_s={} over_quota_pct={over:.1} calls_in_backlog={served} \
         upstream_calls={upstream} upstream_429={limited} bulk_calls={background_ok}/{calls} trackers_refreshed={claimed}",
        finished.as_secs_f64(),
        quota.as_secs()
    );
    println!(
        "BENCH interactive: ok={interactive_ok}/{interactive} during_backlog={} latency_ms p50={:.0} max={:.0} \
         min_trackers_still_waiting_when_served={min_backlog}",
        during_backlog.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 1.0)
    );
    for line in waits.lines().filter(|l| {
        l.starts_with("shipgate_upstream_queue_wait_seconds_count")
            || l.starts_with("shipgate_upstream_queue_wait_seconds_sum")
    }) {
        println!("BENCH replica_a {line}");
    }

    assert_eq!(limited, 0, "no upstream 429");
    assert_eq!(background_ok, calls, "one bulk call per 100 trackers");
    assert_eq!(claimed, refreshes, "every tracker refreshed once");
    assert_eq!(checked as usize, refreshes, "every tracker checked, none failed");
    assert_eq!(interactive_ok, interactive, "every interactive call succeeded: {interactive_results:?}");
    assert!(finished <= quota.mul_f64(1.1) + Duration::from_secs(2), "within 10% of the quota's time");
    for (_, sent, took, backlog) in &during_backlog {
        if *sent + *took + Duration::from_secs(2) < finished {
            assert!(*backlog > 0, "an interactive call answered at {:?} waited for the backlog", *sent + *took);
        }
    }
}
