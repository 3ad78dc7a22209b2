//! Rate limiting, both ways.
//!
//! Upstream (what shipgate spends at each carrier): one budget per carrier
//! account (`Call::budget`), learned from the carrier's own headers and
//! shared by every replica through Postgres or Redis; calls wait in priority
//! and tenant order for a unit; safe calls are retried with backoff; a
//! circuit breaker per budget stops hammering a failing carrier.
//!
//! Inbound (what each API key may ask of shipgate): governor's GCRA per key,
//! with per-tenant overrides, advertised in `RateLimit` headers.

pub mod breaker;
pub mod budget;
pub mod headers;
pub mod inbound;
pub mod limiter;
pub mod metrics;
pub mod queue;
pub mod retry;
pub mod retry_after;
pub mod settings;
pub mod shared;
pub mod spec;
pub mod store;
pub mod store_memory;
pub mod store_pg;
pub mod store_redis;
pub mod structured;

use std::sync::Arc;

use crate::telemetry::Metrics;

pub use breaker::{Admission, Breakers, CircuitState, Outcome};
pub use limiter::{Permit, UpstreamLimiter};
pub use retry::RetryPolicy;
pub use settings::UpstreamSettings;
pub use store::BudgetStore;

/// Everything the upstream HTTP engine consults around a call.
pub struct UpstreamControl {
    pub limiter: Arc<UpstreamLimiter>,
    pub breakers: Breakers,
    pub retry: RetryPolicy,
}

impl UpstreamControl {
    /// Registers the metrics and their collector on `metrics`.
    pub fn new(store: Arc<dyn BudgetStore>, settings: UpstreamSettings, metrics: &Metrics) -> Arc<Self> {
        metrics::describe(metrics);
        let breakers = Breakers::new(settings.breaker_failures, settings.breaker_cooldown);
        let retry = settings.retry;
        let limiter = UpstreamLimiter::new(store, settings, metrics.clone());
        let control = Arc::new(UpstreamControl { limiter, breakers, retry });
        let weak = Arc::downgrade(&control);
        metrics.add_collector(move |m| {
            if let Some(control) = weak.upgrade() {
                control.collect(m);
            }
        });
        control
    }

    /// Budgets kept in this process only (tools and unit tests; a service
    /// with several replicas uses `new` with Postgres or Redis).
    pub fn in_memory(settings: UpstreamSettings, metrics: &Metrics) -> Arc<Self> {
        Self::new(Arc::new(store_memory::MemoryBudgetStore::default()), settings, metrics)
    }

    fn collect(&self, metrics: &Metrics) {
        self.limiter.collect(metrics);
        for (budget, state) in self.breakers.states() {
            metrics.set(self::metrics::CIRCUIT_STATE, &[("budget", budget.as_str())], state.as_number());
        }
    }
}
