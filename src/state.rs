//! Shared state every handler and worker receives.

use std::ops::Deref;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::api::auth::AuthCache;
use crate::carriers::registry::CarrierDeps;
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::ratelimit::inbound::InboundLimiter;
use crate::store::Db;
use crate::telemetry::Metrics;

#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub config: Config,
    pub db: Db,
    pub secrets: SecretBox,
    pub metrics: Metrics,
    pub auth_cache: AuthCache,
    pub carriers: CarrierDeps,
    /// Per-API-key limits on requests to shipgate itself.
    pub inbound: InboundLimiter,
    /// Per-client-address limits on public tracking pages.
    pub public_pages: crate::public_page::limiter::PageLimiter,
    /// Cancelled at shutdown: workers stop taking new work.
    pub shutdown: CancellationToken,
}

impl AppState {
    pub fn new(inner: AppInner) -> Self {
        AppState(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Metrics {
        state.metrics.clone()
    }
}
