//! `Application::build(config)`: database, state, router and listener, shared
//! by `main` and the tests so both run exactly the same service.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::api;
use crate::api::auth::AuthCache;
use crate::carriers::http::UpstreamHttp;
use crate::carriers::registry::CarrierDeps;
use crate::config::Config;
use crate::crypto::{CryptoError, MasterKey, SecretBox};
use crate::domain::CarrierKind;
use crate::ratelimit::inbound::{InboundLimiter, InboundQuota};
use crate::ratelimit::store_pg::PgBudgetStore;
use crate::ratelimit::store_redis::RedisBudgetStore;
use crate::ratelimit::{BudgetStore, UpstreamControl, UpstreamSettings};
use crate::state::{AppInner, AppState};
use crate::store::carrier_sessions::PgSessionStore;
use crate::store::{self, StartupError};
use crate::telemetry::Metrics;
use crate::worker;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(
        "SHIPGATE_MASTER_KEY is not set: it encrypts carrier credentials at rest. Generate one with `openssl rand -hex 32` and set SHIPGATE_MASTER_KEY (or pass --master-key), or run with --sandbox for an offline demo"
    )]
    MissingMasterKey,
    #[error("SHIPGATE_MASTER_KEY is invalid: {0}")]
    BadMasterKey(CryptoError),
    #[error(transparent)]
    Database(#[from] StartupError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("REDIS_URL is invalid: {0}")]
    BadRedisUrl(redis::RedisError),
    #[error("SHIPGATE_INBOUND_RATE_PER_SECOND and SHIPGATE_INBOUND_BURST must be above 0")]
    BadInboundLimit,
}

pub struct Application {
    state: AppState,
    listener: TcpListener,
}

fn master_key(config: &Config) -> Result<MasterKey, BuildError> {
    // An empty variable (as compose passes when unset) means no key.
    let given = config.master_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    match (given, config.sandbox) {
        (Some(text), _) => MasterKey::parse(text).map_err(BuildError::BadMasterKey),
        (None, true) => {
            tracing::warn!("sandbox mode: carrier credentials are encrypted with a public demo key");
            Ok(MasterKey::insecure_sandbox_key())
        }
        (None, false) => Err(BuildError::MissingMasterKey),
    }
}

impl Application {
    pub async fn build(config: Config) -> Result<Application, BuildError> {
        // Rustls needs one process-wide crypto provider; a second install is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let key = master_key(&config)?;
        store::ensure_database(&config.database_url).await?;
        let db = store::pool(&config.database_url, config.db_max_connections)?;
        store::migrate(&db).await?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| BuildError::Bind { addr: config.listen, source })?;
        let metrics = Metrics::new();
        // Upstream budgets are shared by every replica: in Redis when configured, else in Postgres.
        let budgets: Arc<dyn BudgetStore> = match &config.redis_url {
            Some(url) => Arc::new(RedisBudgetStore::new(url).map_err(BuildError::BadRedisUrl)?),
            None => Arc::new(PgBudgetStore::new(db.clone())),
        };
        let limits = &config.rate_limits;
        let control = UpstreamControl::new(budgets, UpstreamSettings::from_config(limits), &metrics);
        let http = UpstreamHttp::with_control(metrics.clone(), control);
        let inbound_quota =
            InboundQuota::new(limits.inbound_per_second, limits.inbound_burst).ok_or(BuildError::BadInboundLimit)?;
        let secrets = SecretBox::new(&key);
        let sessions =
            Arc::new(PgSessionStore { db: db.clone(), secrets: secrets.clone(), carrier: CarrierKind::Ecourier });
        let reference_cache = Arc::new(store::reference_cache::PgReferenceCache::new(db.clone()));
        let carriers = CarrierDeps { http, sessions, ecourier_locks: Default::default(), reference_cache };
        let public_pages = crate::public_page::limiter::PageLimiter::new(config.public_page_per_minute);
        let state = AppState::new(AppInner {
            config,
            db,
            secrets,
            metrics,
            auth_cache: AuthCache::default(),
            carriers,
            inbound: InboundLimiter::new(inbound_quota),
            public_pages,
            shutdown: CancellationToken::new(),
        });
        Ok(Application { state, listener })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish
    /// (bounded by the configured grace period) and stops the workers.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Application { state, listener } = self;
        let workers = if state.config.no_workers { Vec::new() } else { worker::spawn_all(&state) };
        let token = state.shutdown.clone();
        let grace = api::shutdown_grace(&state);
        let router = api::router(state.clone());
        let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown({
                let token = token.clone();
                async move { token.cancelled().await }
            });
        let deadline = {
            let token = token.clone();
            async move {
                shutdown.await;
                tracing::info!(grace_secs = grace.as_secs(), "shutting down: finishing in-flight requests");
                token.cancel();
                tokio::time::sleep(grace).await;
            }
        };
        let result = tokio::select! {
            r = server => r,
            _ = deadline => {
                tracing::warn!("grace period over; dropping remaining connections");
                Ok(())
            }
        };
        token.cancel();
        for handle in workers {
            let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;
        }
        tracing::info!("stopped");
        result
    }
}

/// Resolves on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
