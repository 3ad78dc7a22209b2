//! Metric names of the rate limiters (rendered at `/metrics`).

use crate::telemetry::Metrics;
use crate::telemetry::metrics::Kind;

pub const RATE_LIMITED: &str = "shipgate_upstream_rate_limited_total";
pub const QUEUE_WAIT: &str = "shipgate_upstream_queue_wait_seconds";
pub const QUEUE_DEPTH: &str = "shipgate_upstream_queue_depth";
pub const FAST_FAILURES: &str = "shipgate_upstream_fast_failures_total";
pub const RETRIES: &str = "shipgate_upstream_retries_total";
pub const BUDGET_REMAINING: &str = "shipgate_upstream_budget_remaining";
pub const BUDGET_LIMIT: &str = "shipgate_upstream_budget_limit";
pub const BUDGET_BLOCKED: &str = "shipgate_upstream_budget_blocked_seconds";
pub const CIRCUIT_STATE: &str = "shipgate_upstream_circuit_state";
pub const INBOUND_LIMITED: &str = "shipgate_inbound_rate_limited_total";

/// Queue waits go from nothing to a whole window (minutes), or an hour.
pub const WAIT_BUCKETS: &[f64] = &[0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 3600.0];

pub fn describe(metrics: &Metrics) {
    metrics.describe(RATE_LIMITED, Kind::Counter, "HTTP 429 answers received from carriers, by carrier.");
    metrics.describe(QUEUE_WAIT, Kind::Histogram, "Time calls waited for upstream budget, by priority.");
    metrics.describe(
        QUEUE_DEPTH,
        Kind::Gauge,
        "Calls waiting for upstream budget in this replica, by budget and priority.",
    );
    metrics.describe(
        FAST_FAILURES,
        Kind::Counter,
        "Calls refused without reaching the carrier, by carrier and reason (rate_limited, circuit_open).",
    );
    metrics.describe(RETRIES, Kind::Counter, "Upstream calls retried, by carrier and operation.");
    metrics.describe(BUDGET_REMAINING, Kind::Gauge, "Units left in each upstream window, by budget and window.");
    metrics.describe(
        BUDGET_LIMIT,
        Kind::Gauge,
        "Limit of each upstream window (configured or learned), by budget and window.",
    );
    metrics.describe(BUDGET_BLOCKED, Kind::Gauge, "Seconds until a budget blocked by a 429 or 503 opens again.");
    metrics.describe(CIRCUIT_STATE, Kind::Gauge, "Circuit breaker per budget: 0 closed, 1 half-open, 2 open.");
    metrics.describe(INBOUND_LIMITED, Kind::Counter, "Requests refused with 429 by the inbound per-key limit.");
}

/// `minute`, `hour`, `day`, or the length in seconds.
pub fn window_label(secs: u64) -> String {
    match secs {
        60 => "minute".to_owned(),
        3600 => "hour".to_owned(),
        86_400 => "day".to_owned(),
        n => format!("{n}s"),
    }
}
