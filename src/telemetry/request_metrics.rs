//! Counts and times every request by route template, method and status.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::Metrics;
use super::metrics::Kind;

pub const REQUESTS: &str = "shipgate_http_requests_total";
pub const DURATION: &str = "shipgate_http_request_duration_seconds";

pub fn describe(metrics: &Metrics) {
    metrics.describe(REQUESTS, Kind::Counter, "HTTP requests served, by route template, method and status.");
    metrics.describe(
        DURATION,
        Kind::Histogram,
        "HTTP request latency in seconds, by route template, method and status.",
    );
}

pub async fn record(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Label by template, not raw path, so ids do not explode the label set.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route.as_str()), ("method", method.as_str()), ("status", status.as_str())];
    metrics.inc(REQUESTS, &labels);
    metrics.observe(DURATION, &labels, started.elapsed().as_secs_f64());
    response
}
