//! Inbound limits: what one API key may ask of this replica, as governor's
//! GCRA (a sustained rate per second plus a burst). The default comes from
//! the configuration; a tenant may get its own in its settings:
//! `{"inbound_rate_limit": {"per_second": 50, "burst": 100}}`.
//! The state lives in this process: N replicas allow N times the rate.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::DefaultClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::domain::ids::{ApiKeyId, TenantId};

/// Tenant settings are re-read this often.
const TENANT_TTL: Duration = Duration::from_secs(30);
/// Beyond this many keys or tenants the maps are rebuilt from scratch.
const MAX_ENTRIES: usize = 100_000;
/// The name of the policy in `RateLimit-Policy` / `RateLimit`.
pub const POLICY_NAME: &str = "api-key";

type KeyLimiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundQuota {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl InboundQuota {
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        Some(InboundQuota { per_second: NonZeroU32::new(per_second)?, burst: NonZeroU32::new(burst)? })
    }

    /// The tenant's own quota, if its settings carry a valid one.
    pub fn from_tenant_settings(settings: &serde_json::Value) -> Result<Option<Self>, String> {
        let Some(limit) = settings.get("inbound_rate_limit") else { return Ok(None) };
        let field = |name: &str| {
            limit
                .get(name)
                .and_then(|v| v.as_u64())
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| format!("inbound_rate_limit.{name} must be a positive integer"))
        };
        let (per_second, burst) = (field("per_second")?, field("burst")?);
        Self::new(per_second, burst).map(Some).ok_or_else(|| "inbound_rate_limit values must be above 0".to_owned())
    }

    /// The window the policy is advertised over: long enough for a full burst.
    pub fn window_secs(&self) -> u32 {
        self.burst.get().div_ceil(self.per_second.get()).max(1)
    }

    /// `RateLimit-Policy` value: the burst, refilled over `window_secs`.
    pub fn policy_header(&self) -> String {
        format!("\"{POLICY_NAME}\";q={};w={}", self.burst, self.window_secs())
    }

    fn limiter(&self) -> Arc<KeyLimiter> {
        let quota = Quota::per_second(self.per_second).allow_burst(self.burst);
        Arc::new(RateLimiter::direct(quota).with_middleware::<StateInformationMiddleware>())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundDecision {
    /// `remaining` more requests may come at once; all of the burst is back in `full_in`.
    Allowed {
        remaining: u32,
        full_in: Duration,
    },
    Limited {
        retry_after: Duration,
    },
}

impl InboundDecision {
    /// `RateLimit` value for this decision.
    pub fn header(&self) -> String {
        let (remaining, reset) = match self {
            InboundDecision::Allowed { remaining, full_in } => (*remaining, *full_in),
            InboundDecision::Limited { retry_after } => (0, *retry_after),
        };
        format!("\"{POLICY_NAME}\";r={remaining};t={}", reset.as_secs_f64().ceil() as u64)
    }
}

pub struct InboundLimiter {
    default: InboundQuota,
    keys: Mutex<HashMap<ApiKeyId, (InboundQuota, Arc<KeyLimiter>)>>,
    tenants: Mutex<HashMap<TenantId, (Option<InboundQuota>, Instant)>>,
}

impl InboundLimiter {
    pub fn new(default: InboundQuota) -> Self {
        InboundLimiter { default, keys: Mutex::default(), tenants: Mutex::default() }
    }

    pub fn default_quota(&self) -> InboundQuota {
        self.default
    }

    /// The tenant's quota if read recently: `Some(None)` means "the default".
    pub fn cached_tenant_quota(&self, tenant: TenantId) -> Option<Option<InboundQuota>> {
        let tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        tenants.get(&tenant).filter(|(_, at)| at.elapsed() < TENANT_TTL).map(|(quota, _)| *quota)
    }

    pub fn remember_tenant_quota(&self, tenant: TenantId, quota: Option<InboundQuota>) {
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        if tenants.len() >= MAX_ENTRIES {
            tenants.clear();
        }
        tenants.insert(tenant, (quota, Instant::now()));
    }

    /// Spends one request of `key`'s quota.
    pub fn check(&self, key: ApiKeyId, quota: InboundQuota) -> InboundDecision {
        let limiter = {
            let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
            if keys.len() >= MAX_ENTRIES && !keys.contains_key(&key) {
                keys.clear();
            }
            let entry = keys.entry(key).or_insert_with(|| (quota, quota.limiter()));
            if entry.0 != quota {
                // The tenant's quota changed: start the key afresh under it.
                *entry = (quota, quota.limiter());
            }
            entry.1.clone()
        };
        let per_unit = Duration::from_secs(1) / quota.per_second.get();
        match limiter.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let full_in = per_unit * quota.burst.get().saturating_sub(remaining);
                InboundDecision::Allowed { remaining, full_in }
            }
            Err(not_until) => {
                let retry_after = not_until.wait_time_from(governor::clock::Clock::now(&DefaultClock::default()));
                InboundDecision::Limited { retry_after: retry_after.max(Duration::from_millis(1)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_limited() {
        let limiter = InboundLimiter::new(InboundQuota::new(1, 3).unwrap());
        let key = ApiKeyId::new();
        let quota = limiter.default_quota();
        let remaining: Vec<u32> = (0..3)
            .map(|_| match limiter.check(key, quota) {
                InboundDecision::Allowed { remaining, .. } => remaining,
                other => panic!("expected allowed, got {other:?}"),
            })
            .collect();
        assert_eq!(remaining, vec![2, 1, 0]);
        match limiter.check(key, quota) {
            InboundDecision::Limited { retry_after } => assert!(retry_after <= Duration::from_secs(1)),
            other => panic!("expected limited, got {other:?}"),
        }
        // Other keys have their own budget.
        assert!(matches!(limiter.check(ApiKeyId::new(), quota), InboundDecision::Allowed { remaining: 2, .. }));
    }

    #[test]
    fn a_changed_quota_applies_at_once() {
        let limiter = InboundLimiter::new(InboundQuota::new(1, 1).unwrap());
        let key = ApiKeyId::new();
        limiter.check(key, limiter.default_quota());
        assert!(matches!(limiter.check(key, limiter.default_quota()), InboundDecision::Limited { .. }));
        let bigger = InboundQuota::new(10, 20).unwrap();
        assert!(matches!(limiter.check(key, bigger), InboundDecision::Allowed { remaining: 19, .. }));
    }

    #[test]
    fn headers_follow_the_draft_syntax() {
        let quota = InboundQuota::new(50, 100).unwrap();
        assert_eq!(quota.policy_header(), "\"api-key\";q=100;w=2");
        assert_eq!(InboundQuota::new(1, 3).unwrap().policy_header(), "\"api-key\";q=3;w=3");
        assert_eq!(InboundQuota::new(100, 10).unwrap().window_secs(), 1);
        let allowed = InboundDecision::Allowed { remaining: 7, full_in: Duration::from_millis(1500) };
        assert_eq!(allowed.header(), "\"api-key\";r=7;t=2");
        assert_eq!(
            InboundDecision::Limited { retry_after: Duration::from_millis(200) }.header(),
            "\"api-key\";r=0;t=1"
        );
    }

    #[test]
    fn tenant_settings() {
        let ok = serde_json::json!({"inbound_rate_limit": {"per_second": 5, "burst": 10}});
        assert_eq!(InboundQuota::from_tenant_settings(&ok), Ok(InboundQuota::new(5, 10)));
        assert_eq!(InboundQuota::from_tenant_settings(&serde_json::json!({})), Ok(None));
        for bad in [
            serde_json::json!({"inbound_rate_limit": {"per_second": 0, "burst": 10}}),
            serde_json::json!({"inbound_rate_limit": {"per_second": "5", "burst": 10}}),
            serde_json::json!({"inbound_rate_limit": {"burst": 10}}),
            serde_json::json!({"inbound_rate_limit": {"per_second": 5, "burst": 99999999999u64}}),
        ] {
            assert!(InboundQuota::from_tenant_settings(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tenant_cache_remembers_defaults_too() {
        let limiter = InboundLimiter::new(InboundQuota::new(1, 1).unwrap());
        let tenant = TenantId::new();
        assert_eq!(limiter.cached_tenant_quota(tenant), None);
        limiter.remember_tenant_quota(tenant, None);
        assert_eq!(limiter.cached_tenant_quota(tenant), Some(None));
    }
}
