//! The upstream limiter: one shared budget per key (Postgres, Redis or
//! memory), and in this process one wait line per key whose dispatcher
//! serves waiters in `WaitQueue` order. Only the waiter at the head talks to
//! the store; when nothing is left it sleeps until the budget has room (or a
//! more urgent waiter arrives). Waiters whose deadline comes before that are
//! failed at once with `RateLimited` instead of hanging.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, oneshot};

use super::budget::{Decision, InFlight, Reservation};
use super::headers::Observed;
use super::metrics::{self as names, WAIT_BUCKETS, window_label};
use super::queue::WaitQueue;
use super::settings::{UpstreamSettings, single_window_secs};
use super::shared::{SharedBudgets, unix_ms};
use super::store::BudgetStore;
use crate::carriers::{CallCtx, CarrierError, Priority};
use crate::domain::CarrierKind;
use crate::telemetry::Metrics;

/// A call needs at least this long once its unit is granted.
const MIN_CALL_MS: i64 = 500;
/// A reservation outlives its call's deadline by this much before it stops counting as in flight.
const IN_FLIGHT_SLACK_MS: i64 = 5_000;
/// A budget read-modify-write or a wake-up later than this is logged: calls
/// go out late, and the log says whether the store or this process is slow.
const SLOW_MS: u128 = 1_000;

/// A unit reserved in every window of a budget; hand it back to `settle`
/// (or `release` when the call is not sent after all).
#[derive(Debug)]
pub struct Permit {
    pub key: String,
    pub carrier: CarrierKind,
    pub reservation: Reservation,
    /// How long the call waited for it.
    pub waited: Duration,
}

#[derive(Debug)]
enum Refusal {
    /// No unit before the waiter's deadline; retry after this long.
    TooLong(Duration),
    Store(String),
}

struct Waiter {
    carrier: CarrierKind,
    priority: Priority,
    deadline: Instant,
    enqueued: Instant,
    reply: oneshot::Sender<Result<Permit, Refusal>>,
}

impl Waiter {
    fn deadline_ms(&self, now: Instant, now_ms: i64) -> i64 {
        now_ms + self.deadline.saturating_duration_since(now).as_millis() as i64
    }
}

#[derive(Default)]
struct Line {
    queue: WaitQueue<Waiter>,
    wake: Arc<Notify>,
    /// While the dispatcher sleeps: the priority it asked for, and until when.
    sleeping: Option<(Priority, i64)>,
}

pub struct UpstreamLimiter {
    budgets: SharedBudgets,
    settings: UpstreamSettings,
    lines: Mutex<HashMap<String, Line>>,
    metrics: Metrics,
    next_id: AtomicU64,
}

impl UpstreamLimiter {
    pub fn new(store: Arc<dyn BudgetStore>, settings: UpstreamSettings, metrics: Metrics) -> Arc<Self> {
        Arc::new(UpstreamLimiter {
            budgets: SharedBudgets::new(store),
            settings,
            lines: Mutex::default(),
            metrics,
            next_id: AtomicU64::new(rand::random::<u64>() >> 1),
        })
    }

    pub fn settings(&self) -> &UpstreamSettings {
        &self.settings
    }

    pub fn store_name(&self) -> &'static str {
        self.budgets.store_name()
    }

    fn lines(&self) -> std::sync::MutexGuard<'_, HashMap<String, Line>> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a unit of `key`'s budget, in priority and tenant order.
    pub async fn acquire(
        self: &Arc<Self>,
        key: &str,
        carrier: CarrierKind,
        ctx: &CallCtx,
    ) -> Result<Permit, CarrierError> {
        let (reply, answer) = oneshot::channel();
        let now = Instant::now();
        let waiter = Waiter { carrier, priority: ctx.priority, deadline: ctx.deadline, enqueued: now, reply };
        {
            let mut lines = self.lines();
            let start = !lines.contains_key(key);
            let line = lines.entry(key.to_owned()).or_default();
            if let Some((asleep_for, until_ms)) = line.sleeping {
                let now_ms = unix_ms();
                // Nobody of this priority or lower gets a unit before `until_ms`.
                if ctx.priority <= asleep_for && waiter.deadline_ms(now, now_ms) < until_ms + MIN_CALL_MS {
                    drop(lines);
                    return Err(self.too_long(carrier, ctx.priority, wait_from(now_ms, until_ms)));
                }
                if ctx.priority > asleep_for {
                    line.wake.notify_one();
                }
            }
            line.queue.push(ctx.priority, ctx.tenant, waiter);
            if start {
                tokio::spawn(self.clone().dispatch(key.to_owned()));
            }
        }
        match answer.await {
            Ok(Ok(permit)) => {
                let labels = [("priority", priority_label(ctx.priority))];
                self.metrics.observe_in(names::QUEUE_WAIT, &labels, permit.waited.as_secs_f64(), WAIT_BUCKETS);
                Ok(permit)
            }
            Ok(Err(Refusal::TooLong(retry_after))) => Err(self.too_long(carrier, ctx.priority, retry_after)),
            Ok(Err(Refusal::Store(reason))) => Err(store_unavailable(carrier, &reason)),
            Err(_) => Err(store_unavailable(carrier, "the budget dispatcher stopped")),
        }
    }

    fn too_long(&self, carrier: CarrierKind, priority: Priority, retry_after: Duration) -> CarrierError {
        self.metrics.inc(
            names::FAST_FAILURES,
            &[("carrier", carrier.as_str()), ("reason", "rate_limited"), ("priority", priority_label(priority))],
        );
        CarrierError::RateLimited { carrier, retry_after }
    }

    /// Serves one key's line until it is empty.
    async fn dispatch(self: Arc<Self>, key: String) {
        loop {
            let head = {
                let mut lines = self.lines();
                let Some(line) = lines.get_mut(&key) else { return };
                line.sleeping = None;
                // Callers that gave up (their future was dropped) leave the line.
                line.queue.retain(|w| !w.reply.is_closed());
                match line.queue.peek() {
                    Some((priority, waiter)) => (priority, waiter.carrier, waiter.deadline),
                    None => {
                        lines.remove(&key);
                        return;
                    }
                }
            };
            let (priority, carrier, deadline) = head;
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let expires_ms =
                unix_ms() + deadline.saturating_duration_since(Instant::now()).as_millis() as i64 + IN_FLIGHT_SLACK_MS;
            let tuning = self.settings.tuning;
            let defaults = self.settings.defaults_for(carrier);
            let mut reserved_at_ms = 0;
            let asked = Instant::now();
            let decision = self
                .budgets
                .update(&key, defaults, |state, now_ms| {
                    reserved_at_ms = now_ms;
                    state.reserve(now_ms, priority, InFlight { id, expires_ms }, &tuning)
                })
                .await;
            let took = asked.elapsed().as_millis();
            if took > SLOW_MS {
                tracing::warn!(budget = %key, took_ms = took as u64, store = self.store_name(), "slow upstream budget store");
            }
            match decision {
                Ok(Decision::Granted) => {
                    let reservation = Reservation { id, reserved_at_ms };
                    self.hand_over(&key, carrier, reservation).await;
                }
                Ok(Decision::Wait { until_ms }) => self.sleep_until(&key, priority, until_ms).await,
                Err(e) => {
                    tracing::warn!(budget = %key, error = %e, "upstream budget store unavailable");
                    let waiters = self.lines().get_mut(&key).map(|l| l.queue.retain(|_| false)).unwrap_or_default();
                    for w in waiters {
                        let _ = w.reply.send(Err(Refusal::Store(e.to_string())));
                    }
                }
            }
        }
    }

    /// Gives a granted unit to the head of the line (or the next one, if the
    /// head left meanwhile); with nobody left the unit goes back to the budget.
    async fn hand_over(&self, key: &str, carrier: CarrierKind, reservation: Reservation) {
        let mut permit = Permit { key: key.to_owned(), carrier, reservation, waited: Duration::ZERO };
        loop {
            let next = self.lines().get_mut(key).and_then(|l| l.queue.pop());
            let Some(waiter) = next else {
                self.release(permit).await;
                return;
            };
            permit.waited = waiter.enqueued.elapsed();
            permit.carrier = waiter.carrier;
            match waiter.reply.send(Ok(permit)) {
                Ok(()) => return,
                Err(Ok(returned)) => permit = returned,
                Err(Err(_)) => return,
            }
        }
    }

    /// Fails the waiters who cannot wait until `until_ms`, then sleeps until
    /// then, or until a more urgent waiter arrives.
    async fn sleep_until(&self, key: &str, priority: Priority, until_ms: i64) {
        let wake = {
            let mut lines = self.lines();
            let Some(line) = lines.get_mut(key) else { return };
            let (now, now_ms) = (Instant::now(), unix_ms());
            // `until_ms` binds this priority and those below it.
            let too_late =
                line.queue.retain(|w| w.priority > priority || w.deadline_ms(now, now_ms) >= until_ms + MIN_CALL_MS);
            let retry_after = wait_from(now_ms, until_ms);
            for w in too_late {
                let _ = w.reply.send(Err(Refusal::TooLong(retry_after)));
            }
            // Empty, or someone more urgent arrived while we asked the store: go round again.
            match line.queue.peek() {
                Some((head, _)) if head <= priority => {}
                _ => return,
            }
            line.sleeping = Some((priority, until_ms));
            line.wake.clone()
        };
        let pause = Duration::from_millis(u64::try_from(until_ms - unix_ms()).unwrap_or(0));
        tokio::select! {
            _ = tokio::time::sleep(pause) => {
                let late = unix_ms() - until_ms;
                if late > SLOW_MS as i64 {
                    tracing::warn!(budget = %key, late_ms = late, "upstream budget line woke late (this process is starved)");
                }
            }
            _ = wake.notified() => {}
        }
    }

    /// Learns from an answer (or its absence) and frees the unit's in-flight slot.
    pub async fn settle(&self, permit: Permit, status: Option<u16>, observed: &Observed) {
        let tuning = self.settings.tuning;
        let single = single_window_secs(permit.carrier);
        let defaults = self.settings.defaults_for(permit.carrier);
        let result = self
            .budgets
            .update(&permit.key, defaults, |state, now_ms| {
                state.settle(&permit.reservation, status, observed, single, now_ms, &tuning)
            })
            .await;
        if let Err(e) = result {
            // The reservation expires by itself; only the learning is lost.
            tracing::warn!(budget = %permit.key, error = %e, "could not record an upstream answer in the budget");
        }
        self.wake(&permit.key);
    }

    /// An answer may have opened room (a first answer, a raised limit): the
    /// line looks again instead of sleeping on an estimate.
    fn wake(&self, key: &str) {
        if let Some(line) = self.lines().get(key) {
            line.wake.notify_one();
        }
    }

    /// Gives a unit back: the call was not sent.
    pub async fn release(&self, permit: Permit) {
        let defaults = self.settings.defaults_for(permit.carrier);
        let result = self.budgets.update(&permit.key, defaults, |state, _| state.release(&permit.reservation)).await;
        if let Err(e) = result {
            tracing::warn!(budget = %permit.key, error = %e, "could not give an unused upstream unit back");
        }
        self.wake(&permit.key);
    }

    /// Refreshes the budget and queue gauges (a `/metrics` collector).
    pub fn collect(&self, metrics: &Metrics) {
        let now_ms = unix_ms();
        for (key, mut state) in self.budgets.snapshot() {
            state.refresh(now_ms, &self.settings.tuning);
            for w in &state.windows {
                let labels = [("budget", key.as_str()), ("window", &window_label(w.secs))];
                metrics.set(names::BUDGET_REMAINING, &labels, w.remaining() as f64);
                metrics.set(names::BUDGET_LIMIT, &labels, w.limit as f64);
            }
            let blocked = (state.blocked_until_ms - now_ms).max(0) as f64 / 1000.0;
            metrics.set(names::BUDGET_BLOCKED, &[("budget", key.as_str())], blocked);
        }
        let lines = self.lines();
        for (key, line) in lines.iter() {
            for priority in [Priority::Interactive, Priority::Background] {
                let labels = [("budget", key.as_str()), ("priority", priority_label(priority))];
                metrics.set(names::QUEUE_DEPTH, &labels, line.queue.len_of(priority) as f64);
            }
        }
    }

    /// Calls waiting in this replica for `key`, per priority (tests, benchmarks).
    pub fn waiting(&self, key: &str, priority: Priority) -> usize {
        self.lines().get(key).map(|l| l.queue.len_of(priority)).unwrap_or(0)
    }
}

pub fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Interactive => "interactive",
        Priority::Background => "background",
    }
}

fn wait_from(now_ms: i64, until_ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(until_ms - now_ms).unwrap_or(0))
}

fn store_unavailable(carrier: CarrierKind, reason: &str) -> CarrierError {
    CarrierError::Unavailable {
        carrier,
        reason: format!("the shared upstream budget cannot be read ({reason}); nothing was sent"),
        retry_after: Some(Duration::from_secs(5)),
        said: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{CarrierAccountId, TenantId};
    use crate::ratelimit::store_memory::MemoryBudgetStore;

    const KEY: &str = "ecotrack:acc";

    fn limiter() -> Arc<UpstreamLimiter> {
        UpstreamLimiter::new(Arc::new(MemoryBudgetStore::default()), UpstreamSettings::default(), Metrics::new())
    }

    async fn block_for(limiter: &UpstreamLimiter, ms: i64) {
        let defaults = limiter.settings.defaults_for(CarrierKind::Ecotrack);
        limiter.budgets.update(KEY, defaults, |s, now| s.blocked_until_ms = now + ms).await.unwrap();
    }

    fn ctx(tenant: TenantId, priority: Priority) -> CallCtx {
        match priority {
            Priority::Interactive => CallCtx::interactive(tenant, CarrierAccountId::new()),
            Priority::Background => CallCtx::background(tenant, CarrierAccountId::new()),
        }
    }

    #[tokio::test]
    async fn waiters_are_served_by_priority_then_tenant_turns() {
        let limiter = limiter();
        block_for(&limiter, 300).await;
        let (a, b, c) = (TenantId::new(), TenantId::new(), TenantId::new());
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (label, tenant, priority) in [
            ("a1", a, Priority::Background),
            ("a2", a, Priority::Background),
            ("a3", a, Priority::Background),
            ("b1", b, Priority::Background),
            ("c1", c, Priority::Interactive),
        ] {
            let (limiter, order) = (limiter.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let permit = limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(tenant, priority)).await.unwrap();
                order.lock().unwrap().push(label);
                limiter.settle(permit, Some(200), &Observed::default()).await;
            }));
            // Let each waiter join the line before the next one.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(limiter.waiting(KEY, Priority::Background), 4);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec!["c1", "a1", "b1", "a2", "a3"]);
    }

    #[tokio::test]
    async fn a_wait_past_the_deadline_fails_fast() {
        let limiter = limiter();
        block_for(&limiter, 10_000).await;
        let started = Instant::now();
        let ctx = ctx(TenantId::new(), Priority::Interactive).with_deadline(Instant::now() + Duration::from_secs(2));
        match limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx).await {
            Err(CarrierError::RateLimited { retry_after, .. }) => {
                assert!(
                    retry_after > Duration::from_secs(8) && retry_after <= Duration::from_secs(10),
                    "{retry_after:?}"
                );
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(1), "failed fast, without waiting");
        // A second caller is refused on arrival, against the known wait.
        let again = limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx).await;
        assert!(matches!(again, Err(CarrierError::RateLimited { .. })));
    }

    #[tokio::test]
    async fn an_interactive_arrival_wakes_a_line_held_by_the_reserve() {
        let limiter = limiter();
        let tenant = TenantId::new();
        // Ecotrack's default minute window is 50; background may take 45 of it.
        for _ in 0..45 {
            let permit = limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(tenant, Priority::Background)).await.unwrap();
            limiter.settle(permit, Some(200), &Observed::default()).await;
        }
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(tenant, Priority::Background)).await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(limiter.waiting(KEY, Priority::Background), 1, "background waits for the window tail");
        let started = Instant::now();
        let permit = limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(tenant, Priority::Interactive)).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
        limiter.release(permit).await;
        assert_eq!(limiter.waiting(KEY, Priority::Background), 1, "still waiting");
        waiting.abort();
    }

    #[tokio::test]
    async fn an_abandoned_waiter_leaves_the_line() {
        let limiter = limiter();
        block_for(&limiter, 200).await;
        let gone = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(TenantId::new(), Priority::Background)).await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        gone.abort();
        let permit =
            limiter.acquire(KEY, CarrierKind::Ecotrack, &ctx(TenantId::new(), Priority::Background)).await.unwrap();
        limiter.settle(permit, Some(200), &Observed::default()).await;
        let snapshot = limiter.budgets.snapshot();
        let (_, state) = snapshot.iter().find(|(k, _)| k == KEY).unwrap();
        assert_eq!(state.windows[0].used, 1, "the abandoned call spent nothing");
        assert!(state.in_flight.is_empty());
    }
}
