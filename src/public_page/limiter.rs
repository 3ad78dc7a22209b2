//! Public pages are rate limited per client address (no API key there).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct PageLimiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
}

impl PageLimiter {
    /// `per_minute` requests per address, in bursts of at most a third of them.
    pub fn new(per_minute: u32) -> PageLimiter {
        let per_minute = NonZeroU32::new(per_minute.max(1)).expect("non-zero");
        let burst = NonZeroU32::new((per_minute.get() / 3).max(1)).expect("non-zero");
        PageLimiter { inner: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)) }
    }

    /// `Err(wait)` when this address must wait.
    pub fn check(&self, address: IpAddr) -> Result<(), Duration> {
        if self.inner.len() > 100_000 {
            self.inner.retain_recent();
        }
        self.inner.check_key(&address).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()))
        })
    }
}
