//! Every setting, from flags or environment, each with a default that works on
//! a developer machine (local Postgres, port 8080).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

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
}

fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{text}` is not a positive number")),
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
        }
    }
}
