//! Everything the upstream limiter is tuned with, gathered from `Config`,
//! plus the few per-carrier facts it needs beyond budgets.

use std::time::Duration;

use super::budget::Tuning;
use super::retry::RetryPolicy;
use super::spec::{CarrierLimits, WindowSpec, WindowSpecs};
use crate::config::RateLimitConfig;
use crate::domain::CarrierKind;

#[derive(Debug, Clone)]
pub struct UpstreamSettings {
    pub carrier_limits: CarrierLimits,
    pub default_limits: WindowSpecs,
    pub tuning: Tuning,
    pub retry: RetryPolicy,
    pub breaker_failures: u32,
    pub breaker_cooldown: Duration,
}

impl UpstreamSettings {
    pub fn from_config(config: &RateLimitConfig) -> Self {
        UpstreamSettings {
            carrier_limits: config.upstream_limits.clone(),
            default_limits: config.upstream_default_limits.clone(),
            tuning: Tuning {
                safety_margin: u64::from(config.upstream_safety_margin),
                interactive_reserve_pct: u64::from(config.upstream_interactive_reserve_percent.min(100)),
                reserve_release_pct: u64::from(config.upstream_reserve_release_percent.min(100)),
                reset_grace_ms: i64::try_from(config.upstream_reset_grace_ms).unwrap_or(i64::MAX / 4),
            },
            retry: RetryPolicy {
                max_attempts: config.upstream_max_attempts.max(1),
                base: Duration::from_millis(config.upstream_retry_base_ms),
                cap: Duration::from_millis(config.upstream_retry_cap_ms),
            },
            breaker_failures: config.upstream_breaker_failures.max(1),
            breaker_cooldown: Duration::from_millis(config.upstream_breaker_cooldown_ms),
        }
    }

    /// The budget a carrier starts from before its first answer.
    pub fn defaults_for(&self, carrier: CarrierKind) -> &[WindowSpec] {
        &self.carrier_limits.0.get(&carrier).unwrap_or(&self.default_limits).0
    }
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        Self::from_config(&RateLimitConfig::default())
    }
}

/// Length assumed for a bare `X-RateLimit-Limit/Remaining` pair: Ecotrack's
/// legacy hosts count per minute, and so do the other carriers we know.
pub fn single_window_secs(_carrier: CarrierKind) -> u64 {
    60
}

/// e-Courier answers its business errors (unknown order, bad input) with
/// HTTP 500: such a 500 is an answer, not a sign of an unhealthy upstream.
pub fn http_500_is_answer(carrier: CarrierKind) -> bool {
    matches!(carrier, CarrierKind::Ecourier)
}
