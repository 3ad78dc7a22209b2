//! Every setting, from flags or environment, each with a default that works on
//! a developer machine (local Postgres, port 8080).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use crate::ratelimit::spec::{CarrierLimits, WindowSpecs, parse_carrier_limits, parse_window_specs};
use crate::webhooks::AddressPolicy;

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/shipgate";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Runtime settings of the service (`shipgate serve`).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Postgres URL; the database is created when missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Address the API listens on.
    #[arg(long, env = "SHIPGATE_LISTEN", default_value = "0.0.0.0:8080")]
    pub listen: SocketAddr,

    /// 32-byte key (64 hex chars or base64) encrypting carrier credentials at rest.
    /// Required unless --sandbox.
    #[arg(long, env = "SHIPGATE_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,

    /// Log output: human-readable or one JSON object per line.
    #[arg(long, env = "SHIPGATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Base URL under which this service is reachable from outside (public tracking links).
    #[arg(long, env = "SHIPGATE_PUBLIC_URL", default_value = "http://localhost:8080")]
    pub public_url: String,

    /// Redis URL; when set, shared upstream rate-limit budgets live there instead of Postgres.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// Largest number of Postgres connections in the pool.
    #[arg(long, env = "SHIPGATE_DB_MAX_CONNECTIONS", default_value_t = 20)]
    pub db_max_connections: u32,

    /// Seconds in-flight requests get to finish after SIGTERM/ctrl-c.
    #[arg(long, env = "SHIPGATE_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Do not run background workers (tracking refresh, webhook delivery) in this process.
    #[arg(long, env = "SHIPGATE_NO_WORKERS", default_value_t = false)]
    pub no_workers: bool,

    /// Run with the built-in carrier sandbox and a demo tenant (works offline).
    #[arg(long, env = "SHIPGATE_SANDBOX", default_value_t = false)]
    pub sandbox: bool,

    /// Seconds a request holds a booking before the recovery worker may take it over
    /// (longer than any carrier call; short only in crash tests).
    #[arg(long, env = "SHIPGATE_BOOKING_LEASE_SECS", default_value_t = 60)]
    pub booking_lease_secs: u64,

    /// Seconds before a booked shipment's label, or a requested pickup's
    /// confirmation, is first asked for in the background; later checks back
    /// off from this base (up to an hour).
    #[arg(long, env = "SHIPGATE_FOLLOWUP_INTERVAL_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub followup_interval_secs: u64,

    /// Milliseconds between looks for due trackers when the last pass found few.
    #[arg(long, env = "SHIPGATE_TRACKING_POLL_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub tracking_poll_ms: u64,

    /// Trackers claimed per refresh pass (grouped by account and batched per carrier).
    #[arg(long, env = "SHIPGATE_TRACKING_CLAIM", default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub tracking_claim: i64,

    /// Public tracking page views per client address and minute.
    #[arg(long, env = "SHIPGATE_PUBLIC_PAGE_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub public_page_per_minute: u32,

    /// Trust `X-Forwarded-For` for the client address of public pages (behind a proxy).
    #[arg(long, env = "SHIPGATE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Where the in-process sandbox carriers listen with --sandbox.
    #[arg(long, env = "SHIPGATE_SANDBOX_LISTEN", default_value = "127.0.0.1:8081")]
    pub sandbox_listen: SocketAddr,

    /// Non-public addresses webhook URLs may reach anyway: comma-separated
    /// categories (loopback, private, link_local, unique_local, cgnat,
    /// multicast, unspecified, reserved) and CIDR ranges. Empty: public only.
    #[arg(long, env = "SHIPGATE_WEBHOOK_ALLOW", default_value = "")]
    pub webhook_allow: AddressPolicy,

    /// Multiplies every delay of the webhook retry schedule (1 = about three days).
    #[arg(long, env = "SHIPGATE_WEBHOOK_RETRY_SCALE", default_value_t = 1.0, value_parser = positive_f64)]
    pub webhook_retry_scale: f64,

    /// Seconds a webhook receiver has to answer one request.
    #[arg(long, env = "SHIPGATE_WEBHOOK_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub webhook_timeout_secs: u64,

    /// Seconds a dispatcher owns a claimed delivery; after a crash, another
    /// replica sends it again once this lease runs out. At least the timeout + 5.
    #[arg(long, env = "SHIPGATE_WEBHOOK_LEASE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub webhook_lease_secs: u64,

    /// An endpoint whose deliveries all fail for longer than this is disabled.
    #[arg(long, env = "SHIPGATE_WEBHOOK_DISABLE_AFTER_SECS", default_value_t = 3 * 86_400)]
    pub webhook_disable_after_secs: u64,

    /// Webhook requests one dispatcher sends at the same time.
    #[arg(long, env = "SHIPGATE_WEBHOOK_CONCURRENCY", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub webhook_concurrency: u32,

    /// Requests in flight to one endpoint at most, across all replicas, so a
    /// slow receiver cannot take every slot from the others.
    #[arg(long, env = "SHIPGATE_WEBHOOK_ENDPOINT_CONCURRENCY", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub webhook_endpoint_concurrency: u32,

    /// Milliseconds between checks for due deliveries when no notification arrives.
    #[arg(long, env = "SHIPGATE_WEBHOOK_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub webhook_poll_ms: u64,

    /// Days events and their delivery logs are kept.
    #[arg(long, env = "SHIPGATE_WEBHOOK_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub webhook_retention_days: u32,

    #[command(flatten)]
    pub rate_limits: RateLimitConfig,
}

fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

/// Upstream budgets (what shipgate may spend at each carrier) and inbound
/// limits (what each API key may ask of shipgate).
#[derive(Debug, Clone, Args)]
pub struct RateLimitConfig {
    /// Carrier budgets before the carrier's first answer, e.g.
    /// `ecotrack=50/min,1500/h,15000/day;myflyingbox=120/min`. Headers then take over.
    #[arg(long, env = "SHIPGATE_UPSTREAM_LIMITS", default_value = RateLimitConfig::UPSTREAM_LIMITS,
        value_parser = parse_carrier_limits)]
    pub upstream_limits: CarrierLimits,

    /// Budget of carriers not listed in SHIPGATE_UPSTREAM_LIMITS.
    #[arg(long, env = "SHIPGATE_UPSTREAM_DEFAULT_LIMITS", default_value = RateLimitConfig::UPSTREAM_DEFAULT_LIMITS,
        value_parser = parse_window_specs)]
    pub upstream_default_limits: WindowSpecs,

    /// Units of every upstream window never spent (cushion for clock skew or other clients of the account).
    #[arg(long, env = "SHIPGATE_UPSTREAM_SAFETY_MARGIN", default_value_t = 0)]
    pub upstream_safety_margin: u32,

    /// Percent of each upstream window background work leaves to interactive calls.
    #[arg(long, env = "SHIPGATE_UPSTREAM_INTERACTIVE_RESERVE_PERCENT", default_value_t = 10)]
    pub upstream_interactive_reserve_percent: u8,

    /// Final percent of a window's length in which background work may take the interactive reserve.
    #[arg(long, env = "SHIPGATE_UPSTREAM_RESERVE_RELEASE_PERCENT", default_value_t = 5)]
    pub upstream_reserve_release_percent: u8,

    /// Milliseconds to wait after a window's reset before spending its new budget.
    #[arg(long, env = "SHIPGATE_UPSTREAM_RESET_GRACE_MS", default_value_t = 250)]
    pub upstream_reset_grace_ms: u64,

    /// Attempts per safe upstream call (reads, tracking), the first included; unsafe calls get one.
    #[arg(long, env = "SHIPGATE_UPSTREAM_MAX_ATTEMPTS", default_value_t = 3)]
    pub upstream_max_attempts: u32,

    /// First retry backoff ceiling in milliseconds (doubles per retry, full jitter).
    #[arg(long, env = "SHIPGATE_UPSTREAM_RETRY_BASE_MS", default_value_t = 200)]
    pub upstream_retry_base_ms: u64,

    /// Largest retry backoff in milliseconds.
    #[arg(long, env = "SHIPGATE_UPSTREAM_RETRY_CAP_MS", default_value_t = 5000)]
    pub upstream_retry_cap_ms: u64,

    /// Consecutive failures (5xx, timeouts, connection errors) that open a carrier account's circuit.
    #[arg(long, env = "SHIPGATE_UPSTREAM_BREAKER_FAILURES", default_value_t = 5)]
    pub upstream_breaker_failures: u32,

    /// Milliseconds an open circuit waits before letting one probe through.
    #[arg(long, env = "SHIPGATE_UPSTREAM_BREAKER_COOLDOWN_MS", default_value_t = 30_000)]
    pub upstream_breaker_cooldown_ms: u64,

    /// Sustained requests per second per API key (tenants may override in settings.inbound_rate_limit).
    #[arg(long, env = "SHIPGATE_INBOUND_RATE_PER_SECOND", default_value_t = 50)]
    pub inbound_per_second: u32,

    /// Requests an API key may send at once before the per-second rate applies.
    #[arg(long, env = "SHIPGATE_INBOUND_BURST", default_value_t = 100)]
    pub inbound_burst: u32,
}

impl RateLimitConfig {
    pub const UPSTREAM_LIMITS: &str = "ecotrack=50/min,1500/h,15000/day";
    pub const UPSTREAM_DEFAULT_LIMITS: &str = "60/min";

    /// The defaults, except what would slow down or throttle tests that are
    /// not about rate limits: fast retries, a generous inbound limit, and no
    /// assumed budget for carriers the sandbox does not limit. Ecotrack keeps
    /// its real budget (the sandbox enforces it). Tests of the limits set
    /// their own values.
    pub fn for_tests() -> Self {
        RateLimitConfig {
            upstream_default_limits: parse_window_specs("100000/min").expect("test limits parse"),
            upstream_retry_base_ms: 20,
            upstream_retry_cap_ms: 200,
            inbound_per_second: 1000,
            inbound_burst: 1000,
            ..Self::default()
        }
    }
}

impl Default for RateLimitConfig {
    /// The same values as the command-line defaults, without reading the environment.
    fn default() -> Self {
        RateLimitConfig {
            upstream_limits: parse_carrier_limits(Self::UPSTREAM_LIMITS).expect("default limits parse"),
            upstream_default_limits: parse_window_specs(Self::UPSTREAM_DEFAULT_LIMITS).expect("default limits parse"),
            upstream_safety_margin: 0,
            upstream_interactive_reserve_percent: 10,
            upstream_reserve_release_percent: 5,
            upstream_reset_grace_ms: 250,
            upstream_max_attempts: 3,
            upstream_retry_base_ms: 200,
            upstream_retry_cap_ms: 5000,
            upstream_breaker_failures: 5,
            upstream_breaker_cooldown_ms: 30_000,
            inbound_per_second: 50,
            inbound_burst: 100,
        }
    }
}

impl Config {
    /// The defaults, overridden by the environment like the CLI would be.
    pub fn from_env() -> Self {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        <Wrapper as clap::Parser>::parse_from(["shipgate"]).config
    }

    /// Settings for tests: everything local, no workers unless asked.
    pub fn for_tests(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_owned(),
            listen: "127.0.0.1:0".parse().expect("valid address"),
            master_key: Some("00".repeat(32)),
            log_format: LogFormat::Pretty,
            public_url: "http://127.0.0.1".to_owned(),
            redis_url: None,
            db_max_connections: 5,
            shutdown_grace_secs: 5,
            no_workers: true,
            sandbox: false,
            booking_lease_secs: 60,
            followup_interval_secs: 1,
            tracking_poll_ms: 100,
            tracking_claim: 1000,
            public_page_per_minute: 600,
            trust_proxy: false,
            sandbox_listen: "127.0.0.1:0".parse().expect("valid address"),
            // Test receivers listen on 127.0.0.1.
            webhook_allow: "loopback".parse().expect("valid policy"),
            webhook_retry_scale: 1.0,
            webhook_timeout_secs: 5,
            webhook_lease_secs: 10,
            webhook_disable_after_secs: 3 * 86_400,
            webhook_concurrency: 8,
            webhook_endpoint_concurrency: 4,
            webhook_poll_ms: 200,
            webhook_retention_days: 30,
            rate_limits: RateLimitConfig::for_tests(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        limits: RateLimitConfig,
    }

    #[test]
    fn rate_limit_defaults_match_the_command_line() {
        let parsed = Wrapper::parse_from(["shipgate"]).limits;
        let default = RateLimitConfig::default();
        assert_eq!(parsed.upstream_limits, default.upstream_limits);
        assert_eq!(parsed.upstream_default_limits, default.upstream_default_limits);
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }

    #[test]
    fn bad_limits_are_refused_at_startup() {
        assert!(Wrapper::try_parse_from(["shipgate", "--upstream-limits", "ecotrack=fast"]).is_err());
        let ok = Wrapper::try_parse_from(["shipgate", "--upstream-limits", "ecotrack=10/min;ecourier=5/s"]).unwrap();
        assert_eq!(ok.limits.upstream_limits.0.len(), 2);
    }
}
