//! Every setting, from flags or environment, each with a default that works on
//! a developer machine (local Postgres, port 8080).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

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

    /// Where the in-process sandbox carriers listen with --sandbox.
    #[arg(long, env = "SHIPGATE_SANDBOX_LISTEN", default_value = "127.0.0.1:8081")]
    pub sandbox_listen: SocketAddr,
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
            sandbox_listen: "127.0.0.1:0".parse().expect("valid address"),
        }
    }
}
