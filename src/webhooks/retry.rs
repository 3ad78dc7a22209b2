//! When to try again. The schedule follows the Standard Webhooks example:
//! immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h
//! after each failure, about three days and three hours in all. Every delay is
//! multiplied by the configured scale (tests run the whole schedule in
//! seconds) and spread by ±20 % jitter so that a receiver's outage does not
//! come back as one synchronized wave. A receiver's `Retry-After` pushes the
//! next attempt later, never earlier.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

/// Delay after the n-th failed attempt (index 0 = after the first attempt).
pub const SCHEDULE_SECS: [u64; 9] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];
/// The first attempt plus one per scheduled delay.
pub const MAX_ATTEMPTS: u32 = SCHEDULE_SECS.len() as u32 + 1;
const JITTER: f64 = 0.2;
/// A `Retry-After` beyond this (the longest step) is capped.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// The retry policy of one dispatcher.
#[derive(Debug, Clone, Copy)]
pub struct RetrySchedule {
    scale: f64,
}

impl RetrySchedule {
    /// `scale` multiplies every delay: 1.0 in production.
    pub fn new(scale: f64) -> Self {
        RetrySchedule { scale: if scale.is_finite() && scale > 0.0 { scale } else { 1.0 } }
    }

    /// The delay after failed attempt number `attempt` (1-based), or `None`
    /// once every attempt is spent. `retry_after` is what the receiver asked for.
    pub fn next_delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let step = *SCHEDULE_SECS.get(attempt.checked_sub(1)? as usize)?;
        let jitter = rand::rng().random_range(1.0 - JITTER..=1.0 + JITTER);
        let scheduled = Duration::from_secs_f64(step as f64 * self.scale * jitter);
        Some(match retry_after {
            Some(asked) => scheduled.max(asked.min(MAX_RETRY_AFTER)),
            None => scheduled,
        })
    }

    /// The whole schedule without jitter, for documentation and logs.
    pub fn nominal_total(&self) -> Duration {
        Duration::from_secs_f64(SCHEDULE_SECS.iter().sum::<u64>() as f64 * self.scale)
    }
}

/// Reads `Retry-After`: delay seconds or an HTTP date. Anything else is ignored.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_about_three_days_in_ten_attempts() {
        let total = RetrySchedule::new(1.0).nominal_total();
        assert_eq!(MAX_ATTEMPTS, 10);
        assert!(total > Duration::from_secs(3 * 86_400) && total < Duration::from_secs(4 * 86_400), "{total:?}");
    }

    #[test]
    fn delays_grow_with_bounded_jitter_and_stop_at_the_end() {
        let schedule = RetrySchedule::new(1.0);
        for (i, step) in SCHEDULE_SECS.iter().enumerate() {
            let delay = schedule.next_delay(i as u32 + 1, None).unwrap().as_secs_f64();
            let step = *step as f64;
            assert!(delay >= step * 0.8 - 0.001 && delay <= step * 1.2 + 0.001, "attempt {}: {delay}", i + 1);
        }
        assert_eq!(schedule.next_delay(MAX_ATTEMPTS, None), None);
        assert_eq!(schedule.next_delay(0, None), None);
    }

    #[test]
    fn scale_shrinks_the_schedule() {
        let fast = RetrySchedule::new(0.001);
        assert!(fast.next_delay(9, None).unwrap() <= Duration::from_secs_f64(86.4 * 1.2 + 0.001));
        assert_eq!(RetrySchedule::new(-1.0).nominal_total(), RetrySchedule::new(1.0).nominal_total());
    }

    #[test]
    fn retry_after_only_pushes_later_and_is_capped() {
        let fast = RetrySchedule::new(0.001);
        assert_eq!(fast.next_delay(1, Some(Duration::from_secs(3))), Some(Duration::from_secs(3)));
        let slow = RetrySchedule::new(1.0);
        assert!(slow.next_delay(2, Some(Duration::from_secs(1))).unwrap() >= Duration::from_secs(240));
        assert_eq!(fast.next_delay(1, Some(Duration::from_secs(10_000_000))), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn parses_both_retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
