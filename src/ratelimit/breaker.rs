//! One circuit breaker per upstream budget, local to this process: after
//! `failures` consecutive failures (5xx, timeouts, connection errors; never
//! 4xx, never 429) it opens and calls fail fast; after `cooldown` one probe
//! goes through (half-open); its success closes the circuit, its failure
//! opens it again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A probe that never reports (its caller was dropped) stops blocking the
/// circuit after this long.
const PROBE_TIMEOUT: Duration = Duration::from_secs(150);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

impl CircuitState {
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }

    /// Gauge value in /metrics.
    pub fn as_number(self) -> f64 {
        match self {
            CircuitState::Closed => 0.0,
            CircuitState::HalfOpen => 1.0,
            CircuitState::Open => 2.0,
        }
    }
}

/// How one call went, as far as the breaker cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// Says nothing about the upstream's health (429, a local error).
    Neutral,
}

/// Permission to call; a probe must report back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Normal,
    Probe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    pub retry_after: Duration,
    pub state: CircuitState,
}

#[derive(Debug, Clone, Copy)]
struct Circuit {
    state: CircuitState,
    consecutive_failures: u32,
    opened_at: Instant,
    probe_started: Option<Instant>,
}

impl Circuit {
    fn closed() -> Self {
        Circuit { state: CircuitState::Closed, consecutive_failures: 0, opened_at: Instant::now(), probe_started: None }
    }
}

pub struct Breakers {
    failures: u32,
    cooldown: Duration,
    circuits: Mutex<HashMap<String, Circuit>>,
}

impl Breakers {
    pub fn new(failures: u32, cooldown: Duration) -> Self {
        Breakers { failures: failures.max(1), cooldown, circuits: Mutex::default() }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Circuit>) -> T) -> T {
        f(&mut self.circuits.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn admit(&self, key: &str) -> Result<Admission, Rejected> {
        let cooldown = self.cooldown;
        self.with(|circuits| {
            let Some(c) = circuits.get_mut(key) else { return Ok(Admission::Normal) };
            let now = Instant::now();
            if c.state == CircuitState::Open {
                let waited = now.saturating_duration_since(c.opened_at);
                if waited < cooldown {
                    return Err(Rejected { retry_after: cooldown - waited, state: CircuitState::Open });
                }
                c.state = CircuitState::HalfOpen;
                c.probe_started = None;
            }
            match c.state {
                CircuitState::HalfOpen => match c.probe_started {
                    Some(started) if now.saturating_duration_since(started) < PROBE_TIMEOUT => {
                        Err(Rejected { retry_after: Duration::from_secs(1), state: CircuitState::HalfOpen })
                    }
                    _ => {
                        c.probe_started = Some(now);
                        Ok(Admission::Probe)
                    }
                },
                _ => Ok(Admission::Normal),
            }
        })
    }

    /// Returns the state change, if any, for logging.
    pub fn record(&self, key: &str, admission: Admission, outcome: Outcome) -> Option<CircuitState> {
        let threshold = self.failures;
        self.with(|circuits| {
            let c = circuits.entry(key.to_owned()).or_insert_with(Circuit::closed);
            let before = c.state;
            match (admission, outcome) {
                (Admission::Probe, Outcome::Neutral) => c.probe_started = None,
                (_, Outcome::Neutral) => {}
                (_, Outcome::Success) => *c = Circuit::closed(),
                (Admission::Probe, Outcome::Failure) => {
                    c.state = CircuitState::Open;
                    c.opened_at = Instant::now();
                    c.probe_started = None;
                }
                (Admission::Normal, Outcome::Failure) => {
                    c.consecutive_failures = c.consecutive_failures.saturating_add(1);
                    if c.state == CircuitState::Closed && c.consecutive_failures >= threshold {
                        c.state = CircuitState::Open;
                        c.opened_at = Instant::now();
                    }
                }
            }
            (c.state != before).then_some(c.state)
        })
    }

    /// Every circuit that has seen a call, with its state now.
    pub fn states(&self) -> Vec<(String, CircuitState)> {
        let cooldown = self.cooldown;
        self.with(|circuits| {
            circuits
                .iter()
                .map(|(key, c)| {
                    let state = match c.state {
                        CircuitState::Open if c.opened_at.elapsed() >= cooldown => CircuitState::HalfOpen,
                        state => state,
                    };
                    (key.clone(), state)
                })
                .collect()
        })
    }

    pub fn state(&self, key: &str) -> CircuitState {
        self.states().into_iter().find(|(k, _)| k == key).map(|(_, s)| s).unwrap_or(CircuitState::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(b: &Breakers, times: u32) {
        for _ in 0..times {
            let admission = b.admit("k").unwrap();
            b.record("k", admission, Outcome::Failure);
        }
    }

    #[test]
    fn opens_after_consecutive_failures_only() {
        let b = Breakers::new(3, Duration::from_secs(60));
        fail(&b, 2);
        b.record("k", Admission::Normal, Outcome::Success);
        fail(&b, 2);
        assert_eq!(b.state("k"), CircuitState::Closed);
        fail(&b, 1);
        assert_eq!(b.state("k"), CircuitState::Open);
        let rejected = b.admit("k").unwrap_err();
        assert_eq!(rejected.state, CircuitState::Open);
        assert!(rejected.retry_after > Duration::from_secs(55));
    }

    #[test]
    fn neutral_outcomes_do_not_count() {
        let b = Breakers::new(2, Duration::from_secs(60));
        fail(&b, 1);
        b.record("k", Admission::Normal, Outcome::Neutral);
        assert_eq!(b.state("k"), CircuitState::Closed);
        fail(&b, 1);
        assert_eq!(b.state("k"), CircuitState::Open);
    }

    #[test]
    fn half_open_lets_one_probe_through_and_closes_on_success() {
        let b = Breakers::new(1, Duration::ZERO);
        fail(&b, 1);
        assert_eq!(b.state("k"), CircuitState::HalfOpen);
        assert_eq!(b.admit("k"), Ok(Admission::Probe));
        assert_eq!(b.admit("k").unwrap_err().state, CircuitState::HalfOpen, "one probe at a time");
        assert_eq!(b.record("k", Admission::Probe, Outcome::Success), Some(CircuitState::Closed));
        assert_eq!(b.admit("k"), Ok(Admission::Normal));
    }

    #[test]
    fn a_failed_probe_opens_again() {
        let b = Breakers::new(1, Duration::from_millis(30));
        fail(&b, 1);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(b.admit("k"), Ok(Admission::Probe));
        assert_eq!(b.record("k", Admission::Probe, Outcome::Failure), Some(CircuitState::Open));
        assert_eq!(b.admit("k").unwrap_err().state, CircuitState::Open);
    }

    #[test]
    fn a_neutral_probe_frees_the_slot() {
        let b = Breakers::new(1, Duration::ZERO);
        fail(&b, 1);
        assert_eq!(b.admit("k"), Ok(Admission::Probe));
        b.record("k", Admission::Probe, Outcome::Neutral);
        assert_eq!(b.admit("k"), Ok(Admission::Probe));
    }

    #[test]
    fn circuits_are_independent() {
        let b = Breakers::new(1, Duration::from_secs(60));
        fail(&b, 1);
        assert_eq!(b.admit("other"), Ok(Admission::Normal));
    }
}
