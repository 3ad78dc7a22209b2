//! Everything a sandbox instance holds, shared by all handlers behind one Arc.

use tokio::sync::watch;

use super::config::SandboxConfig;
use super::core::accounts::Accounts;
use super::core::clock::SandboxClock;
use super::core::faults::Faults;
use super::core::ratelimit::{RateLimiter, RateSettings};
use super::core::stats::Stats;
use super::{coursier_fr, ecotrack, ecourier, myflyingbox};

pub struct SandboxState {
    pub ecourier_guid_ttl: chrono::Duration,
    pub mfb_label_delay: chrono::Duration,
    pub mfb_pickup_confirm_delay: chrono::Duration,
    pub clock: SandboxClock,
    pub stats: Stats,
    pub faults: Faults,
    pub limits: RateLimiter,
    pub accounts: Accounts,
    pub mfb: myflyingbox::store::MfbStore,
    pub ecourier: ecourier::store::EcourierStore,
    pub ecotrack: ecotrack::store::EcotrackStore,
    pub coursier: coursier_fr::store::CoursierStore,
    /// Flipped to true when the server stops, releasing hanging calls.
    pub shutdown: watch::Sender<bool>,
}

fn duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl SandboxState {
    pub fn new(cfg: SandboxConfig) -> Self {
        SandboxState {
            ecourier_guid_ttl: duration(cfg.ecourier_guid_ttl),
            mfb_label_delay: duration(cfg.mfb_label_delay),
            mfb_pickup_confirm_delay: duration(cfg.mfb_pickup_confirm_delay),
            clock: SandboxClock::default(),
            stats: Stats::default(),
            faults: Faults::default(),
            limits: RateLimiter::new(RateSettings {
                ecotrack: cfg.ecotrack_limits,
                ecotrack_header_style: cfg.ecotrack_header_style,
                other_limit_per_minute: cfg.other_limit_per_minute,
            }),
            accounts: Accounts::default(),
            mfb: Default::default(),
            ecourier: Default::default(),
            ecotrack: Default::default(),
            coursier: coursier_fr::store::CoursierStore::seeded(),
            shutdown: watch::channel(false).0,
        }
    }
}
