//! Exact call counters (tests and benchmarks count upstream calls with them).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::carrier::Carrier;

/// The account label used for calls that did not authenticate.
pub const UNAUTHENTICATED: &str = "unauthenticated";

#[derive(Default)]
struct Counters {
    calls: BTreeMap<(Carrier, String, String), u64>,
    rate_limited: BTreeMap<(Carrier, String), u64>,
    faults: BTreeMap<(Carrier, &'static str), u64>,
}

#[derive(Default)]
pub struct Stats {
    counters: Mutex<Counters>,
}

pub const FAULT_KINDS: [&str; 6] = ["latency", "error", "hang", "malformed", "drop", "lost_create_answer"];

impl Stats {
    fn with<T>(&self, f: impl FnOnce(&mut Counters) -> T) -> T {
        let mut guard = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    pub fn record_call(&self, carrier: Carrier, endpoint: &str, account: &str) {
        self.with(|c| {
            *c.calls.entry((carrier, endpoint.to_owned(), account.to_owned())).or_default() += 1;
        });
    }

    pub fn record_rate_limited(&self, carrier: Carrier, account: &str) {
        self.with(|c| *c.rate_limited.entry((carrier, account.to_owned())).or_default() += 1);
    }

    pub fn record_fault(&self, carrier: Carrier, kind: &'static str) {
        self.with(|c| *c.faults.entry((carrier, kind)).or_default() += 1);
    }

    pub fn reset(&self) {
        self.with(|c| *c = Counters::default());
    }

    pub fn snapshot(&self) -> Value {
        self.with(|c| {
            let mut total_calls = 0u64;
            let mut calls = serde_json::Map::new();
            let mut rate_limited = serde_json::Map::new();
            let mut faults = serde_json::Map::new();
            for carrier in Carrier::ALL {
                let mut by_endpoint: BTreeMap<&str, u64> = BTreeMap::new();
                let mut by_account: BTreeMap<&str, (u64, BTreeMap<&str, u64>)> = BTreeMap::new();
                let mut total = 0u64;
                for ((_, endpoint, account), n) in c.calls.iter().filter(|(k, _)| k.0 == carrier) {
                    total += n;
                    *by_endpoint.entry(endpoint).or_default() += n;
                    let entry = by_account.entry(account).or_default();
                    entry.0 += n;
                    *entry.1.entry(endpoint).or_default() += n;
                }
                total_calls += total;
                let by_account: serde_json::Map<String, Value> = by_account
                    .into_iter()
                    .map(|(account, (n, eps))| (account.to_owned(), json!({"total": n, "by_endpoint": eps})))
                    .collect();
                calls.insert(
                    carrier.name().into(),
                    json!({"total": total, "by_endpoint": by_endpoint, "by_account": by_account}),
                );
                let limited: BTreeMap<&str, u64> = c
                    .rate_limited
                    .iter()
                    .filter(|(k, _)| k.0 == carrier)
                    .map(|((_, account), n)| (account.as_str(), *n))
                    .collect();
                rate_limited.insert(
                    carrier.name().into(),
                    json!({"total": limited.values().sum::<u64>(), "by_account": limited}),
                );
                let kinds: BTreeMap<&str, u64> = FAULT_KINDS
                    .iter()
                    .map(|kind| (*kind, c.faults.get(&(carrier, *kind)).copied().unwrap_or(0)))
                    .collect();
                faults.insert(carrier.name().into(), json!(kinds));
            }
            json!({
                "total_calls": total_calls,
                "calls": calls,
                "rate_limited": rate_limited,
                "faults": faults,
            })
        })
    }
}
