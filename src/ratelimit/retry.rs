//! When a failed upstream call may be tried again, and after how long:
//! only safe calls (reads, tracking), at most `max_attempts` in all, with
//! full-jitter exponential backoff that never undercuts the server's
//! Retry-After, and never past the call's deadline.

use std::time::Duration;

use rand::Rng;

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    Answered(u16),
    /// Timeout, connection or read failure.
    NoAnswer,
    /// Failed here without anything worth repeating (answer too large...).
    LocalFailure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 3, base: Duration::from_millis(200), cap: Duration::from_secs(5) }
    }
}

/// Whether an answer (or its absence) is worth trying again. `http_500_is_answer`:
/// the carrier reports business errors as HTTP 500 (e-Courier), so a 500 is final.
pub fn is_retryable(end: AttemptEnd, http_500_is_answer: bool) -> bool {
    match end {
        AttemptEnd::Answered(429 | 502 | 503 | 504) | AttemptEnd::NoAnswer => true,
        AttemptEnd::Answered(500) => !http_500_is_answer,
        AttemptEnd::Answered(_) | AttemptEnd::LocalFailure => false,
    }
}

impl RetryPolicy {
    /// Delay before attempt `next` (2 for the first retry): random in
    /// `[0, min(cap, base * 2^(next-2))]`, but at least `server_wait`.
    pub fn delay(&self, next: u32, server_wait: Option<Duration>) -> Duration {
        let exponent = next.saturating_sub(2).min(20);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let jittered =
            if ceiling.is_zero() { Duration::ZERO } else { rand::rng().random_range(Duration::ZERO..=ceiling) };
        jittered.max(server_wait.unwrap_or(Duration::ZERO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_retried() {
        for status in [429, 502, 503, 504, 500] {
            assert!(is_retryable(AttemptEnd::Answered(status), false), "{status}");
        }
        for status in [200, 201, 400, 401, 404, 409, 422] {
            assert!(!is_retryable(AttemptEnd::Answered(status), false), "{status}");
        }
        assert!(!is_retryable(AttemptEnd::Answered(500), true), "e-Courier's 500 carries an answer");
        assert!(is_retryable(AttemptEnd::Answered(503), true));
        assert!(is_retryable(AttemptEnd::NoAnswer, false));
        assert!(!is_retryable(AttemptEnd::LocalFailure, false));
    }

    #[test]
    fn backoff_grows_within_the_cap_and_honours_the_server() {
        let policy = RetryPolicy { max_attempts: 5, base: Duration::from_millis(100), cap: Duration::from_millis(300) };
        for _ in 0..200 {
            assert!(policy.delay(2, None) <= Duration::from_millis(100));
            assert!(policy.delay(3, None) <= Duration::from_millis(200));
            assert!(policy.delay(9, None) <= Duration::from_millis(300));
            assert!(policy.delay(2, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
        }
        let spread: std::collections::HashSet<Duration> = (0..50).map(|_| policy.delay(4, None)).collect();
        assert!(spread.len() > 1, "the delay is jittered");
    }
}
