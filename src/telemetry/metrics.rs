//! A small Prometheus registry: counters, gauges and histograms with labels,
//! rendered in the text exposition format. Small on purpose: a mutex-guarded
//! map costs far less than a request and keeps the dependency set lean.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// Latency buckets in seconds, from fast reads to slow carrier calls.
pub const LATENCY_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

type Labels = Vec<(&'static str, String)>;
type Collector = Box<dyn Fn(&Metrics) + Send + Sync>;

#[derive(Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    help: BTreeMap<&'static str, (Kind, &'static str)>,
    values: BTreeMap<(&'static str, Labels), f64>,
    histograms: BTreeMap<(&'static str, Labels), (&'static [f64], Histogram)>,
}

/// Cheap to clone; all clones share one registry.
#[derive(Clone, Default)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    collectors: Arc<Mutex<Vec<Collector>>>,
}

fn owned(labels: &[(&'static str, &str)]) -> Labels {
    labels.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn describe(&self, name: &'static str, kind: Kind, help: &'static str) {
        self.registry.lock().expect("metrics lock").help.insert(name, (kind, help));
    }

    pub fn inc(&self, name: &'static str, labels: &[(&'static str, &str)]) {
        self.add(name, labels, 1.0);
    }

    pub fn add(&self, name: &'static str, labels: &[(&'static str, &str)], by: f64) {
        let mut reg = self.registry.lock().expect("metrics lock");
        *reg.values.entry((name, owned(labels))).or_insert(0.0) += by;
    }

    pub fn set(&self, name: &'static str, labels: &[(&'static str, &str)], value: f64) {
        let mut reg = self.registry.lock().expect("metrics lock");
        reg.values.insert((name, owned(labels)), value);
    }

    pub fn observe(&self, name: &'static str, labels: &[(&'static str, &str)], value: f64) {
        self.observe_in(name, labels, value, LATENCY_BUCKETS);
    }

    pub fn observe_in(&self, name: &'static str, labels: &[(&'static str, &str)], value: f64, bounds: &'static [f64]) {
        let mut reg = self.registry.lock().expect("metrics lock");
        let (_, h) = reg
            .histograms
            .entry((name, owned(labels)))
            .or_insert_with(|| (bounds, Histogram { buckets: vec![0; bounds.len()], ..Default::default() }));
        for (slot, bound) in h.buckets.iter_mut().zip(bounds) {
            if value <= *bound {
                *slot += 1;
            }
        }
        h.sum += value;
        h.count += 1;
    }

    /// Runs before each render, to refresh gauges owned by other components
    /// (breaker states, remaining budgets, queue depths).
    pub fn add_collector(&self, collector: impl Fn(&Metrics) + Send + Sync + 'static) {
        self.collectors.lock().expect("collector lock").push(Box::new(collector));
    }

    /// Current value of a counter or gauge (tests and benchmarks read it).
    pub fn value(&self, name: &'static str, labels: &[(&'static str, &str)]) -> f64 {
        let reg = self.registry.lock().expect("metrics lock");
        reg.values.get(&(name, owned(labels))).copied().unwrap_or(0.0)
    }

    pub fn render(&self) -> String {
        for collect in self.collectors.lock().expect("collector lock").iter() {
            collect(self);
        }
        let reg = self.registry.lock().expect("metrics lock");
        let mut out = String::with_capacity(4096);
        let described = |out: &mut String, name: &'static str, fallback: Kind| {
            let (kind, help) = reg.help.get(name).copied().unwrap_or((fallback, ""));
            let kind = match kind {
                Kind::Counter => "counter",
                Kind::Gauge => "gauge",
                Kind::Histogram => "histogram",
            };
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        let mut last = "";
        for ((name, labels), value) in &reg.values {
            if *name != last {
                described(&mut out, name, Kind::Gauge);
                last = name;
            }
            let _ = writeln!(out, "{name}{} {}", render_labels(labels, None), fmt_value(*value));
        }
        last = "";
        for ((name, labels), (bounds, h)) in &reg.histograms {
            if *name != last {
                described(&mut out, name, Kind::Histogram);
                last = name;
            }
            for (bound, count) in bounds.iter().zip(&h.buckets) {
                let le = fmt_value(*bound);
                let _ = writeln!(out, "{name}_bucket{} {count}", render_labels(labels, Some(&le)));
            }
            let _ = writeln!(out, "{name}_bucket{} {}", render_labels(labels, Some("+Inf")), h.count);
            let _ = writeln!(out, "{name}_sum{} {}", render_labels(labels, None), fmt_value(h.sum));
            let _ = writeln!(out, "{name}_count{} {}", render_labels(labels, None), h.count);
        }
        out
    }
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn render_labels(labels: &Labels, le: Option<&str>) -> String {
    if labels.is_empty() && le.is_none() {
        return String::new();
    }
    let mut parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    format!("{{{}}}", parts.join(","))
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::new();
        m.describe("http_requests_total", Kind::Counter, "Requests served.");
        m.inc("http_requests_total", &[("route", "/v1/x"), ("status", "200")]);
        m.inc("http_requests_total", &[("route", "/v1/x"), ("status", "200")]);
        m.observe("http_request_duration_seconds", &[("route", "/v1/x")], 0.003);
        let text = m.render();
        assert!(text.contains("# TYPE http_requests_total counter"));
        assert!(text.contains("http_requests_total{route=\"/v1/x\",status=\"200\"} 2"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/v1/x\",le=\"0.0025\"} 0"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/v1/x\",le=\"0.005\"} 1"));
        assert!(text.contains("http_request_duration_seconds_count{route=\"/v1/x\"} 1"));
    }
}
