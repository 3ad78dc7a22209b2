//! The arithmetic of one upstream budget, pure and shared by every store:
//! reserving a unit in every window before a call, and correcting the count
//! from what the server reports after it. Times are Unix milliseconds so the
//! state means the same thing on every replica.
//!
//! Rules, in short:
//! - a call is sent only once a unit is reserved in EVERY window;
//! - before the server's first answer the configured windows are assumed to
//!   start at the first reservation, as fixed-window servers do, and only one
//!   call is in flight: the configured limits may be wrong for this account,
//!   and the first answer's headers say what they are;
//! - within one server window the count only goes up (`max(ours, server's)`):
//!   answers arrive out of order, so a lower server count may be stale;
//! - a newer server window (later reset) replaces ours, keeping the calls
//!   still in flight, which may land in it;
//! - a window is only reopened `reset_grace_ms` after its end, so a call
//!   never reaches the server just before the server itself resets;
//! - background calls leave `interactive_reserve_pct` of each window to
//!   interactive ones, except in the last `reserve_release_pct` of the
//!   window, when unused units would be lost anyway.

use serde::{Deserialize, Serialize};

use super::headers::{Observed, WindowReport};
use super::spec::WindowSpec;
use crate::carriers::Priority;

/// How long a 429 without any hint blocks the budget.
pub const DEFAULT_BLOCK_MS: i64 = 60_000;
/// While the first call is out, others look again this often (the answer
/// itself wakes waiters of the same replica at once).
pub const FIRST_ANSWER_POLL_MS: i64 = 200;
/// Reset times from the server may be off by this much (second rounding).
const RESET_TOLERANCE_MS: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub secs: u64,
    /// The server's IETF policy name, to match later `RateLimit` items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub limit: u64,
    /// Units spent in the current window: answered or still in flight.
    pub used: u64,
    /// End of the current window; 0 until its first reservation.
    pub reset_ms: i64,
    /// The end came from the server rather than from our own assumption.
    pub reset_known: bool,
}

/// A reservation not yet settled. It expires with its call's deadline, so a
/// crashed replica cannot hold units forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub id: u64,
    pub expires_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetState {
    pub windows: Vec<Window>,
    /// Nothing is sent before this instant (a 429's Retry-After).
    #[serde(default)]
    pub blocked_until_ms: i64,
    #[serde(default)]
    pub in_flight: Vec<InFlight>,
    /// The carrier has answered at least once (so its headers, if any, were read).
    #[serde(default)]
    pub answered: bool,
}

/// Knobs of the arithmetic (from the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Units of every window never used (extra cushion for skew or other clients).
    pub safety_margin: u64,
    /// Share of each window (percent, rounded up) background calls leave to interactive ones.
    pub interactive_reserve_pct: u64,
    /// Final share of a window (percent of its length) where background calls may take the reserve.
    pub reserve_release_pct: u64,
    /// Wait after a window's end before reopening it.
    pub reset_grace_ms: i64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { safety_margin: 0, interactive_reserve_pct: 10, reserve_release_pct: 5, reset_grace_ms: 250 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Granted,
    /// Nothing can be reserved for this priority before then (Unix ms).
    Wait {
        until_ms: i64,
    },
}

/// One reservation: what `settle` needs to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub id: u64,
    pub reserved_at_ms: i64,
}

impl Window {
    fn from_spec(spec: &WindowSpec) -> Self {
        Window { secs: spec.secs, policy: None, limit: spec.limit, used: 0, reset_ms: 0, reset_known: false }
    }

    fn len_ms(&self) -> i64 {
        i64::try_from(self.secs).unwrap_or(i64::MAX / 2_000).saturating_mul(1000)
    }

    fn started(&self) -> bool {
        self.reset_ms > 0
    }

    fn start_ms(&self) -> i64 {
        self.reset_ms - self.len_ms()
    }

    /// When the window may be reopened.
    fn reopen_ms(&self, tuning: &Tuning) -> i64 {
        self.reset_ms + tuning.reset_grace_ms
    }

    fn reserve_units(&self, tuning: &Tuning) -> u64 {
        (self.limit.saturating_mul(tuning.interactive_reserve_pct)).div_ceil(100)
    }

    /// From then on, background calls may take the interactive reserve.
    fn release_ms(&self, tuning: &Tuning) -> i64 {
        let tail = self.len_ms().saturating_mul(tuning.reserve_release_pct.min(100) as i64) / 100;
        self.reset_ms - tail
    }

    fn capacity(&self, priority: Priority, now_ms: i64, tuning: &Tuning) -> u64 {
        let base = self.limit.saturating_sub(tuning.safety_margin);
        match priority {
            Priority::Interactive => base,
            Priority::Background if self.started() && now_ms >= self.release_ms(tuning) => base,
            Priority::Background => base.saturating_sub(self.reserve_units(tuning)),
        }
    }

    /// When this full window will have room for `priority`.
    fn room_at(&self, priority: Priority, now_ms: i64, tuning: &Tuning) -> i64 {
        if !self.started() {
            // Full before it even started (a limit of 0): one window from now.
            return now_ms + self.len_ms();
        }
        let interactive_room = self.used < self.capacity(Priority::Interactive, now_ms, tuning);
        if priority == Priority::Background && interactive_room && self.release_ms(tuning) > now_ms {
            self.release_ms(tuning)
        } else {
            self.reopen_ms(tuning)
        }
    }

    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

impl BudgetState {
    /// The configured budget, before any answer from the server.
    pub fn from_specs(specs: &[WindowSpec]) -> Self {
        BudgetState { windows: specs.iter().map(Window::from_spec).collect(), ..Default::default() }
    }

    /// Forgets expired reservations and blocks, and reopens ended windows.
    /// Calls still in flight may land in the new window, so they count there.
    pub fn refresh(&mut self, now_ms: i64, tuning: &Tuning) {
        self.in_flight.retain(|f| f.expires_ms > now_ms);
        if self.blocked_until_ms <= now_ms {
            self.blocked_until_ms = 0;
        }
        let carried = self.in_flight.len() as u64;
        for w in &mut self.windows {
            if w.started() && now_ms >= w.reopen_ms(tuning) {
                w.used = carried;
                w.reset_known = false;
                w.reset_ms = if carried > 0 { now_ms + w.len_ms() } else { 0 };
            }
        }
    }

    /// Reserves one unit in every window, or says when to try again.
    pub fn reserve(&mut self, now_ms: i64, priority: Priority, reservation: InFlight, tuning: &Tuning) -> Decision {
        self.refresh(now_ms, tuning);
        if self.blocked_until_ms > now_ms {
            return Decision::Wait { until_ms: self.blocked_until_ms };
        }
        if !self.answered && !self.in_flight.is_empty() {
            return Decision::Wait { until_ms: now_ms + FIRST_ANSWER_POLL_MS };
        }
        let full_until = self
            .windows
            .iter()
            .filter(|w| w.used >= w.capacity(priority, now_ms, tuning))
            .map(|w| w.room_at(priority, now_ms, tuning))
            .max();
        if let Some(until_ms) = full_until {
            return Decision::Wait { until_ms: until_ms.max(now_ms + 1) };
        }
        for w in &mut self.windows {
            if !w.started() {
                w.reset_ms = now_ms + w.len_ms();
            }
            w.used += 1;
        }
        self.in_flight.push(reservation);
        Decision::Granted
    }

    /// Gives a unit back: the call was never sent.
    pub fn release(&mut self, reservation: &Reservation) {
        if self.take_in_flight(reservation.id) {
            for w in self.windows.iter_mut().filter(|w| w.started() && w.start_ms() <= reservation.reserved_at_ms) {
                w.used = w.used.saturating_sub(1);
            }
        }
    }

    fn take_in_flight(&mut self, id: u64) -> bool {
        let before = self.in_flight.len();
        self.in_flight.retain(|f| f.id != id);
        self.in_flight.len() != before
    }

    /// Learns from an answer to the call of `reservation`: `status` is the
    /// HTTP status (None when no answer came), `single_window_secs` the
    /// length assumed for a bare `X-RateLimit-Limit/Remaining` pair.
    pub fn settle(
        &mut self,
        reservation: &Reservation,
        status: Option<u16>,
        observed: &Observed,
        single_window_secs: u64,
        now_ms: i64,
        tuning: &Tuning,
    ) {
        self.take_in_flight(reservation.id);
        self.refresh(now_ms, tuning);
        self.answered |= status.is_some();
        for report in &observed.windows {
            self.learn(report, reservation, single_window_secs, now_ms);
        }
        let throttled = status == Some(429);
        if throttled || status == Some(503) {
            if let Some(at) = observed.retry_at_ms {
                self.block_until(at, now_ms);
            } else if throttled {
                // No Retry-After: wait for the windows the server says are empty.
                let empty_until = self
                    .windows
                    .iter()
                    .filter(|w| w.started() && w.used >= w.limit && w.reset_ms > now_ms)
                    .map(|w| w.reopen_ms(tuning))
                    .max();
                self.block_until(empty_until.unwrap_or(now_ms + DEFAULT_BLOCK_MS), now_ms);
            }
        }
    }

    fn block_until(&mut self, at_ms: i64, now_ms: i64) {
        let capped = at_ms.min(now_ms + super::retry_after::MAX_WAIT_MS);
        self.blocked_until_ms = self.blocked_until_ms.max(capped);
    }

    /// Which of our windows a report is about: by length, else by policy
    /// name, else (a bare pair) the single-window length.
    fn window_for(&self, report: &WindowReport, single_window_secs: u64) -> Result<usize, Option<u64>> {
        let secs = match (report.secs, &report.policy) {
            (Some(secs), _) => secs,
            (None, Some(name)) => {
                return self.windows.iter().position(|w| w.policy.as_deref() == Some(name)).ok_or(None);
            }
            (None, None) => single_window_secs,
        };
        self.windows.iter().position(|w| w.secs == secs).ok_or(Some(secs))
    }

    fn learn(&mut self, report: &WindowReport, reservation: &Reservation, single_window_secs: u64, now_ms: i64) {
        let index = match self.window_for(report, single_window_secs) {
            Ok(index) => index,
            // A window we did not know: start counting it from this answer.
            Err(Some(secs)) if secs > 0 => match report.limit {
                Some(limit) => {
                    self.windows.push(Window {
                        secs,
                        policy: report.policy.clone(),
                        limit,
                        used: 0,
                        reset_ms: now_ms + i64::try_from(secs).unwrap_or(86_400).min(7 * 86_400) * 1000,
                        reset_known: false,
                    });
                    self.windows.sort_by_key(|w| w.secs);
                    match self.windows.iter().position(|w| w.secs == secs) {
                        Some(index) => index,
                        None => return,
                    }
                }
                None => return,
            },
            Err(_) => return,
        };
        let in_flight_others = self.in_flight.len() as u64;
        let w = &mut self.windows[index];
        if report.policy.is_some() {
            w.policy.clone_from(&report.policy);
        }
        if let Some(limit) = report.limit {
            // The server is the truth, whether it lowered or raised its limit.
            w.limit = limit;
        }
        if report.reset_ms.is_some_and(|r| r <= now_ms) {
            // The count is about a window that is already over.
            return;
        }
        let server_used = report.remaining.map(|r| w.limit.saturating_sub(r));
        // A reset further away than the window is long is not believed (some
        // servers put the longest window's reset next to a per-minute count).
        let plausible_reset = report.reset_ms.filter(|r| *r <= now_ms + w.len_ms() + RESET_TOLERANCE_MS);
        match plausible_reset {
            Some(reset) if w.reset_known && reset > w.reset_ms + RESET_TOLERANCE_MS => {
                // The server has moved on to a newer window than ours.
                w.reset_ms = reset;
                w.used = server_used.unwrap_or(0) + in_flight_others;
            }
            Some(reset) if w.reset_known && reset < w.reset_ms - RESET_TOLERANCE_MS => {
                // A late answer about a window that has already ended.
            }
            Some(reset) => {
                if !w.reset_known || reset > w.reset_ms {
                    w.reset_ms = reset;
                }
                w.reset_known = true;
                w.used = w.used.max(server_used.unwrap_or(0));
            }
            None => {
                // Without a reset, a count is only about our current window
                // when the call was reserved in it.
                let current = w.started() && reservation.reserved_at_ms >= w.start_ms();
                if current {
                    w.used = w.used.max(server_used.unwrap_or(0));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;

    fn tuning() -> Tuning {
        Tuning { safety_margin: 0, interactive_reserve_pct: 0, reserve_release_pct: 0, reset_grace_ms: 250 }
    }

    fn ecotrack() -> BudgetState {
        let specs = [
            WindowSpec { limit: 50, secs: 60 },
            WindowSpec { limit: 1500, secs: 3600 },
            WindowSpec { limit: 15000, secs: 86_400 },
        ];
        BudgetState { answered: true, ..BudgetState::from_specs(&specs) }
    }

    /// A budget whose carrier has already answered once.
    fn one(limit: u64) -> BudgetState {
        BudgetState { answered: true, ..BudgetState::from_specs(&[WindowSpec { limit, secs: 60 }]) }
    }

    struct Ids(u64);

    impl Ids {
        fn next(&mut self, now: i64) -> (InFlight, Reservation) {
            self.0 += 1;
            (InFlight { id: self.0, expires_ms: now + MIN * 10 }, Reservation { id: self.0, reserved_at_ms: now })
        }
    }

    fn reserve(state: &mut BudgetState, ids: &mut Ids, now: i64, p: Priority, t: &Tuning) -> (Decision, Reservation) {
        let (flight, reservation) = ids.next(now);
        (state.reserve(now, p, flight, t), reservation)
    }

    fn minute_report(limit: u64, remaining: u64, reset_ms: Option<i64>) -> Observed {
        Observed {
            windows: vec![WindowReport {
                secs: Some(60),
                policy: None,
                limit: Some(limit),
                remaining: Some(remaining),
                reset_ms,
            }],
            retry_at_ms: None,
        }
    }

    /// Reserves, and settles at once when granted (an answer without headers).
    fn spend(state: &mut BudgetState, ids: &mut Ids, now: i64, p: Priority, t: &Tuning) -> Decision {
        let (decision, reservation) = reserve(state, ids, now, p, t);
        if decision == Decision::Granted {
            state.settle(&reservation, Some(200), &Observed::default(), 60, now, t);
        }
        decision
    }

    #[test]
    fn windows_start_at_the_first_reservation_and_fill_up() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), ecotrack());
        for i in 0..48 {
            assert_eq!(spend(&mut s, &mut ids, T0 + i, Priority::Background, &t), Decision::Granted, "call {i}");
        }
        // Two more stay in flight across the end of the window.
        assert_eq!(reserve(&mut s, &mut ids, T0 + 48, Priority::Background, &t).0, Decision::Granted);
        assert_eq!(reserve(&mut s, &mut ids, T0 + 49, Priority::Background, &t).0, Decision::Granted);
        assert_eq!(s.windows[0].reset_ms, T0 + MIN);
        assert_eq!(s.windows[1].used, 50);
        let (d, _) = reserve(&mut s, &mut ids, T0 + 100, Priority::Interactive, &t);
        assert_eq!(d, Decision::Wait { until_ms: T0 + MIN + 250 });
        // Reopened after the grace, with the calls still in flight counted.
        let (d, _) = reserve(&mut s, &mut ids, T0 + MIN + 250, Priority::Background, &t);
        assert_eq!(d, Decision::Granted);
        assert_eq!(s.windows[0].used, 3, "2 still in flight + this one");
        assert_eq!(s.windows[1].used, 51, "the hour goes on");
    }

    #[test]
    fn settled_calls_are_not_carried_into_the_next_window() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(2));
        spend(&mut s, &mut ids, T0, Priority::Background, &t);
        spend(&mut s, &mut ids, T0, Priority::Background, &t);
        assert!(s.in_flight.is_empty());
        assert!(matches!(spend(&mut s, &mut ids, T0 + 1, Priority::Background, &t), Decision::Wait { .. }));
        assert_eq!(spend(&mut s, &mut ids, T0 + MIN + 250, Priority::Background, &t), Decision::Granted);
        assert_eq!(s.windows[0].used, 1);
        assert_eq!(s.windows[0].reset_ms, T0 + 2 * MIN + 250, "the new window starts with its first call");
    }

    #[test]
    fn the_tightest_window_decides_how_long_to_wait() {
        let (t, mut ids) = (tuning(), Ids(0));
        let mut s = BudgetState::from_specs(&[WindowSpec { limit: 5, secs: 60 }, WindowSpec { limit: 6, secs: 3600 }]);
        s.answered = true;
        for i in 0..5 {
            assert_eq!(spend(&mut s, &mut ids, T0 + i, Priority::Background, &t), Decision::Granted);
        }
        assert_eq!(
            spend(&mut s, &mut ids, T0 + 10, Priority::Background, &t),
            Decision::Wait { until_ms: T0 + MIN + 250 }
        );
        let later = T0 + MIN + 250;
        assert_eq!(spend(&mut s, &mut ids, later, Priority::Background, &t), Decision::Granted);
        let d = spend(&mut s, &mut ids, later + 1, Priority::Background, &t);
        assert_eq!(d, Decision::Wait { until_ms: T0 + 3_600_000 + 250 }, "the hour is spent");
    }

    #[test]
    fn server_counts_raise_ours_within_a_window() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        // Someone else used the account: the server counts 30.
        s.settle(&r, Some(200), &minute_report(50, 20, Some(T0 + 55_000)), 60, T0 + 5, &t);
        assert_eq!(s.windows[0].used, 30);
        assert_eq!(s.windows[0].reset_ms, T0 + 55_000, "the server's reset replaces our assumption");
        assert!(s.windows[0].reset_known);
    }

    #[test]
    fn stale_lower_counts_never_lower_ours() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let reset = Some(T0 + MIN);
        let rs: Vec<Reservation> = (0..3).map(|_| reserve(&mut s, &mut ids, T0, Priority::Background, &t).1).collect();
        s.settle(&rs[2], Some(200), &minute_report(50, 47, reset), 60, T0 + 3, &t);
        s.settle(&rs[0], Some(200), &minute_report(50, 49, reset), 60, T0 + 4, &t);
        s.settle(&rs[1], Some(200), &minute_report(50, 48, reset), 60, T0 + 5, &t);
        assert_eq!(s.windows[0].used, 3);
    }

    #[test]
    fn a_lowered_limit_is_followed_at_once() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let reset = Some(T0 + MIN);
        for _ in 0..10 {
            let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
            s.settle(&r, Some(200), &Observed::default(), 60, T0 + 1, &t);
        }
        let (_, r) = reserve(&mut s, &mut ids, T0 + 2, Priority::Background, &t);
        s.settle(&r, Some(200), &minute_report(12, 1, reset), 60, T0 + 3, &t);
        assert_eq!(s.windows[0].limit, 12);
        assert_eq!(reserve(&mut s, &mut ids, T0 + 4, Priority::Background, &t).0, Decision::Granted);
        assert_eq!(
            reserve(&mut s, &mut ids, T0 + 5, Priority::Background, &t).0,
            Decision::Wait { until_ms: T0 + MIN + 250 }
        );
    }

    #[test]
    fn a_raised_limit_is_followed_too() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(2));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(200), &minute_report(100, 99, Some(T0 + MIN)), 60, T0 + 1, &t);
        for i in 0..99 {
            assert_eq!(reserve(&mut s, &mut ids, T0 + 2, Priority::Background, &t).0, Decision::Granted, "{i}");
        }
        assert!(matches!(reserve(&mut s, &mut ids, T0 + 2, Priority::Background, &t).0, Decision::Wait { .. }));
    }

    #[test]
    fn a_newer_server_window_replaces_ours_keeping_calls_in_flight() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(10));
        let (_, first) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&first, Some(200), &minute_report(10, 9, Some(T0 + MIN)), 60, T0 + 1, &t);
        // Two more in flight, then an answer already from the next server window.
        let (_, a) = reserve(&mut s, &mut ids, T0 + 59_900, Priority::Background, &t);
        let _b = reserve(&mut s, &mut ids, T0 + 59_900, Priority::Background, &t);
        s.settle(&a, Some(200), &minute_report(10, 9, Some(T0 + 2 * MIN)), 60, T0 + MIN + 10, &t);
        assert_eq!(s.windows[0].reset_ms, T0 + 2 * MIN);
        assert_eq!(s.windows[0].used, 2, "the server's 1 + the call still in flight");
    }

    #[test]
    fn reports_about_an_older_window_than_ours_are_ignored() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(10));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(200), &minute_report(10, 9, Some(T0 + MIN)), 60, T0 + 1, &t);
        let (_, late) = reserve(&mut s, &mut ids, T0 + 2, Priority::Background, &t);
        s.settle(&late, Some(200), &minute_report(10, 0, Some(T0 + 20_000)), 60, T0 + 3, &t);
        assert_eq!(s.windows[0].used, 2);
        assert_eq!(s.windows[0].reset_ms, T0 + MIN);
    }

    #[test]
    fn reports_of_a_window_already_over_do_not_count() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(10));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(200), &minute_report(10, 0, Some(T0 - 500)), 60, T0 + 1, &t);
        assert_eq!(s.windows[0].used, 1);
    }

    #[test]
    fn implausible_resets_are_ignored() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(10));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        // A day-long reset reported for a one-minute window is not believed.
        s.settle(&r, Some(200), &minute_report(10, 5, Some(T0 + 86_400_000)), 60, T0 + 1, &t);
        assert_eq!(s.windows[0].reset_ms, T0 + MIN);
        assert!(!s.windows[0].reset_known);
        assert_eq!(s.windows[0].used, 5);
    }

    #[test]
    fn bare_pair_counts_only_for_calls_of_the_current_window() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let pair = |remaining| Observed {
            windows: vec![WindowReport { limit: Some(50), remaining: Some(remaining), ..Default::default() }],
            retry_at_ms: None,
        };
        let (_, old) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        // Our window reopened while `old` was in flight.
        let (_, new) = reserve(&mut s, &mut ids, T0 + MIN + 300, Priority::Background, &t);
        s.settle(&old, Some(200), &pair(0), 60, T0 + MIN + 400, &t);
        assert_eq!(s.windows[0].used, 2, "a count from the previous window does not fill this one");
        s.settle(&new, Some(200), &pair(40), 60, T0 + MIN + 500, &t);
        assert_eq!(s.windows[0].used, 10);
    }

    #[test]
    fn unknown_windows_are_learned() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        let observed = Observed {
            windows: vec![WindowReport {
                secs: Some(10),
                policy: Some("burst".into()),
                limit: Some(5),
                remaining: Some(4),
                reset_ms: Some(T0 + 9_000),
            }],
            retry_at_ms: None,
        };
        s.settle(&r, Some(200), &observed, 60, T0 + 1, &t);
        assert_eq!(s.windows.len(), 2);
        assert_eq!(s.windows[0].secs, 10);
        assert_eq!(s.windows[0].used, 1);
        assert!(s.windows[0].reset_known);
        // Later `RateLimit` items may name the policy without its length.
        let (_, r) = reserve(&mut s, &mut ids, T0 + 2, Priority::Background, &t);
        let by_name = Observed {
            windows: vec![WindowReport { policy: Some("burst".into()), remaining: Some(0), ..Default::default() }],
            retry_at_ms: None,
        };
        s.settle(&r, Some(200), &by_name, 60, T0 + 3, &t);
        assert_eq!(s.windows[0].used, 5);
    }

    #[test]
    fn retry_after_blocks_everyone_until_then() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Interactive, &t);
        let observed = Observed { windows: vec![], retry_at_ms: Some(T0 + 7_000) };
        s.settle(&r, Some(429), &observed, 60, T0 + 1, &t);
        assert_eq!(
            reserve(&mut s, &mut ids, T0 + 6_999, Priority::Interactive, &t).0,
            Decision::Wait { until_ms: T0 + 7_000 }
        );
        assert_eq!(reserve(&mut s, &mut ids, T0 + 7_000, Priority::Interactive, &t).0, Decision::Granted);
    }

    #[test]
    fn a_bare_429_blocks_until_the_reported_reset_or_a_default() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(429), &minute_report(50, 0, Some(T0 + 30_000)), 60, T0 + 1, &t);
        assert_eq!(s.blocked_until_ms, T0 + 30_250);
        let (mut s, mut ids) = (one(50), Ids(0));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(429), &Observed::default(), 60, T0 + 1, &t);
        assert_eq!(s.blocked_until_ms, T0 + 1 + DEFAULT_BLOCK_MS);
    }

    #[test]
    fn retry_after_on_a_success_is_not_a_block() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(50));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&r, Some(200), &Observed { windows: vec![], retry_at_ms: Some(T0 + 5_000) }, 60, T0 + 1, &t);
        assert_eq!(s.blocked_until_ms, 0);
    }

    #[test]
    fn background_leaves_the_reserve_until_the_window_tail() {
        let t = Tuning { interactive_reserve_pct: 10, reserve_release_pct: 5, ..tuning() };
        let (mut ids, mut s) = (Ids(0), one(20));
        for _ in 0..18 {
            assert_eq!(reserve(&mut s, &mut ids, T0, Priority::Background, &t).0, Decision::Granted);
        }
        // 2 units (10% of 20) are kept for interactive calls until the last 3 s.
        assert_eq!(
            reserve(&mut s, &mut ids, T0 + 1, Priority::Background, &t).0,
            Decision::Wait { until_ms: T0 + 57_000 }
        );
        assert_eq!(reserve(&mut s, &mut ids, T0 + 2, Priority::Interactive, &t).0, Decision::Granted);
        assert_eq!(reserve(&mut s, &mut ids, T0 + 57_000, Priority::Background, &t).0, Decision::Granted);
        assert_eq!(
            reserve(&mut s, &mut ids, T0 + 57_001, Priority::Interactive, &t).0,
            Decision::Wait { until_ms: T0 + MIN + 250 }
        );
    }

    #[test]
    fn safety_margin_is_never_used() {
        let t = Tuning { safety_margin: 2, ..tuning() };
        let (mut ids, mut s) = (Ids(0), one(5));
        for _ in 0..3 {
            assert_eq!(reserve(&mut s, &mut ids, T0, Priority::Interactive, &t).0, Decision::Granted);
        }
        assert!(matches!(reserve(&mut s, &mut ids, T0, Priority::Interactive, &t).0, Decision::Wait { .. }));
    }

    #[test]
    fn release_gives_the_unit_back() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(1));
        let (_, r) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.release(&r);
        assert_eq!(s.windows[0].used, 0);
        assert!(s.in_flight.is_empty());
        s.release(&r);
        assert_eq!(s.windows[0].used, 0, "a second release changes nothing");
    }

    #[test]
    fn expired_reservations_stop_counting_as_in_flight() {
        let (t, mut s) = (tuning(), one(5));
        let flight = InFlight { id: 1, expires_ms: T0 + 1_000 };
        assert_eq!(s.reserve(T0, Priority::Background, flight, &t), Decision::Granted);
        s.refresh(T0 + 1_000, &t);
        assert!(s.in_flight.is_empty());
    }

    #[test]
    fn a_zero_limit_waits_a_window() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), one(0));
        assert_eq!(reserve(&mut s, &mut ids, T0, Priority::Interactive, &t).0, Decision::Wait { until_ms: T0 + MIN });
    }

    #[test]
    fn the_first_call_goes_alone_until_the_carrier_answers() {
        let (t, mut ids) = (tuning(), Ids(0));
        let mut s = BudgetState::from_specs(&[WindowSpec { limit: 50, secs: 60 }]);
        let (first, probe) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        assert_eq!(first, Decision::Granted);
        let (second, _) = reserve(&mut s, &mut ids, T0 + 1, Priority::Interactive, &t);
        assert_eq!(second, Decision::Wait { until_ms: T0 + 1 + FIRST_ANSWER_POLL_MS });
        // The answer says the account only has 3 a minute.
        s.settle(&probe, Some(200), &minute_report(3, 2, Some(T0 + MIN)), 60, T0 + 5, &t);
        assert!(s.answered);
        assert_eq!(reserve(&mut s, &mut ids, T0 + 6, Priority::Background, &t).0, Decision::Granted);
        assert_eq!(reserve(&mut s, &mut ids, T0 + 6, Priority::Background, &t).0, Decision::Granted);
        assert!(matches!(reserve(&mut s, &mut ids, T0 + 6, Priority::Background, &t).0, Decision::Wait { .. }));
    }

    #[test]
    fn a_first_call_without_answer_lets_the_next_one_probe() {
        let (t, mut ids) = (tuning(), Ids(0));
        let mut s = BudgetState::from_specs(&[WindowSpec { limit: 50, secs: 60 }]);
        let (_, probe) = reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        s.settle(&probe, None, &Observed::default(), 60, T0 + 5, &t);
        assert!(!s.answered, "a connection error taught nothing");
        assert_eq!(reserve(&mut s, &mut ids, T0 + 6, Priority::Background, &t).0, Decision::Granted);
    }

    #[test]
    fn state_round_trips_through_json() {
        let (t, mut ids, mut s) = (tuning(), Ids(0), ecotrack());
        reserve(&mut s, &mut ids, T0, Priority::Background, &t);
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<BudgetState>(&text).unwrap(), s);
    }
}
