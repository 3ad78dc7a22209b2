//! The only place that writes SQL. One module per aggregate; every query of a
//! tenant's data filters on `tenant_id`.

pub mod api_keys;
pub mod carrier_accounts;
pub mod carrier_sessions;
pub mod followups;
pub mod idempotency;
pub mod labels;
pub mod offers;
pub mod outbox;
pub mod pickups;
pub mod reference_cache;
pub mod shipment_queries;
pub mod shipments;
pub mod tenants;
pub mod trackers;
pub mod tracking_events;
pub mod webhook_deliveries;
pub mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool};

pub type Db = PgPool;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("DATABASE_URL is not a valid Postgres URL: {0}")]
    BadUrl(sqlx::Error),
    #[error("cannot reach Postgres to create database `{database}`: {source}")]
    Unreachable { database: String, source: sqlx::Error },
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

pub fn connect_options(url: &str) -> Result<PgConnectOptions, StartupError> {
    PgConnectOptions::from_str(url).map_err(StartupError::BadUrl)
}

/// Creates the database named in `url` when it does not exist yet.
pub async fn ensure_database(url: &str) -> Result<(), StartupError> {
    let options = connect_options(url)?;
    let name = options.get_database().unwrap_or("postgres").to_owned();
    let unreachable = |source| StartupError::Unreachable { database: name.clone(), source };
    let mut admin = PgConnection::connect_with(&options.clone().database("postgres")).await.map_err(unreachable)?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut admin)
        .await?;
    if !exists {
        let sql = format!("CREATE DATABASE {}", quote_ident(&name));
        match sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another replica created it between our check and our CREATE.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    let _ = admin.close().await;
    Ok(())
}

/// A pool that never blocks a request for long when Postgres is gone and
/// reconnects by itself when it is back.
pub fn pool(url: &str, max_connections: u32) -> Result<PgPool, StartupError> {
    let options = connect_options(url)?;
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(300))
        .test_before_acquire(true)
        .connect_lazy_with(options))
}

pub async fn migrate(db: &PgPool) -> Result<(), StartupError> {
    MIGRATOR.run(db).await?;
    Ok(())
}

/// Is the database answering right now? Used by `/readyz`.
pub async fn ping(db: &PgPool) -> bool {
    let check = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(db);
    matches!(tokio::time::timeout(Duration::from_secs(2), check).await, Ok(Ok(1)))
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Postgres unique violation on the given constraint (or any, when `None`).
pub fn is_unique_violation(err: &sqlx::Error, constraint: Option<&str>) -> bool {
    match err {
        sqlx::Error::Database(e) => {
            e.code().as_deref() == Some("23505") && constraint.is_none_or(|c| e.constraint() == Some(c))
        }
        _ => false,
    }
}
