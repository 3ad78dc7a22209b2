//! The one upstream HTTP engine every connector call goes through: a circuit
//! breaker and a shared rate-limit budget per upstream (see `ratelimit`),
//! timeouts bounded by the call's deadline, retries of safe calls, capped
//! answer sizes, request logs with secrets redacted, upstream status and
//! headers captured, and what the headers say about the budget learned.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;

use super::context::CallCtx;
use super::error::{CarrierError, CarrierSaid};
use crate::domain::CarrierKind;
use crate::ratelimit::headers::{self, Observed};
use crate::ratelimit::retry::{self, AttemptEnd};
use crate::ratelimit::{self, Outcome, UpstreamControl, UpstreamSettings, settings};
use crate::telemetry::Metrics;
use crate::telemetry::metrics::Kind;

/// Largest upstream answer we read (label PDFs included).
pub const MAX_UPSTREAM_BODY: usize = 16 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Query parameters whose values never reach a log line.
const SECRET_PARAMS: &[&str] = &["api_token", "token", "apikey", "api_key", "password", "key"];

pub const UPSTREAM_CALLS: &str = "shipgate_upstream_requests_total";
pub const UPSTREAM_DURATION: &str = "shipgate_upstream_request_duration_seconds";
/// A retry is only worth starting with at least this much time left.
const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(500);

/// Whether a call may be repeated without side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    /// Reads and tracking: retried on transient failures.
    Safe,
    /// Creates and changes: never retried blindly.
    Unsafe,
}

/// One request to a carrier, built by a connector.
pub struct Call {
    pub carrier: CarrierKind,
    /// The upstream quota this call spends (see `budget_key`).
    pub budget: String,
    /// Short operation name for logs and metrics ("quote", "track"...).
    pub operation: &'static str,
    pub safety: Safety,
    pub request: reqwest::Request,
    /// Values (passwords, tokens) to blank out of anything logged.
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub elapsed: Duration,
}

impl UpstreamResponse {
    /// A bounded, printable excerpt of the body for error messages.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body[..self.body.len().min(300)]);
        text.chars().filter(|c| !c.is_control()).collect()
    }

    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The budget a call spends by default: the carrier account's own quota.
pub fn budget_key(carrier: CarrierKind, ctx: &CallCtx) -> String {
    format!("{carrier}:{}", ctx.account)
}

#[derive(Clone)]
pub struct UpstreamHttp {
    client: reqwest::Client,
    metrics: Metrics,
    control: Arc<UpstreamControl>,
}

/// How one attempt ended: what to hand back, and what retrying needs to know.
struct Attempt {
    outcome: Result<UpstreamResponse, CarrierError>,
    end: AttemptEnd,
    /// The server's Retry-After, from now.
    server_wait: Option<Duration>,
}

impl Attempt {
    fn refused(error: CarrierError) -> Self {
        Attempt { outcome: Err(error), end: AttemptEnd::LocalFailure, server_wait: None }
    }
}

impl UpstreamHttp {
    /// An engine whose budgets live in this process only, with default
    /// settings (tools and unit tests). The service uses `with_control`.
    pub fn new(metrics: Metrics) -> Self {
        let control = UpstreamControl::in_memory(UpstreamSettings::default(), &metrics);
        Self::with_control(metrics, control)
    }

    /// An engine spending budgets shared through `control`'s store.
    pub fn with_control(metrics: Metrics, control: Arc<UpstreamControl>) -> Self {
        metrics.describe(UPSTREAM_CALLS, Kind::Counter, "Calls to carrier APIs, by carrier, operation and status.");
        metrics.describe(UPSTREAM_DURATION, Kind::Histogram, "Carrier API latency in seconds.");
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("shipgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("HTTP client configuration is static");
        UpstreamHttp { client, metrics, control }
    }

    /// The shared client, for connectors to build requests with.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Budgets, breakers and retry policy (tests and benchmarks inspect them).
    pub fn control(&self) -> &Arc<UpstreamControl> {
        &self.control
    }

    /// Sends a call once its budget has a unit, retrying safe calls on
    /// transient failures within the call's deadline.
    pub async fn send(&self, ctx: &CallCtx, call: Call) -> Result<UpstreamResponse, CarrierError> {
        let Call { carrier, budget, operation, safety, request, secrets } = call;
        let call = CallInfo {
            carrier,
            operation,
            safety,
            method: request.method().clone(),
            url: redact_url(request.url(), &secrets),
            secrets,
            budget,
        };
        // A streamed body cannot be sent twice; neither can an unsafe call.
        let repeatable = safety == Safety::Safe && request.try_clone().is_some();
        let max_attempts = if repeatable { self.control.retry.max_attempts.max(1) } else { 1 };
        let mut pending = Some(request);
        let mut attempt = 1;
        loop {
            let last = attempt >= max_attempts;
            let request = if last { pending.take() } else { pending.as_ref().and_then(reqwest::Request::try_clone) };
            let Some(request) = request else {
                return Err(CarrierError::bad_response(carrier, "the request could not be prepared for sending"));
            };
            let Attempt { outcome, end, server_wait } = self.attempt(ctx, &call, request).await;
            if last || !retry::is_retryable(end, settings::http_500_is_answer(carrier)) {
                return outcome;
            }
            let delay = self.control.retry.delay(attempt + 1, server_wait);
            if delay + MIN_ATTEMPT_TIME >= ctx.remaining() {
                return outcome;
            }
            self.metrics.inc(ratelimit::metrics::RETRIES, &[("carrier", carrier.as_str()), ("operation", operation)]);
            tracing::info!(
                %carrier, operation, attempt, delay_ms = delay.as_millis() as u64, ?end, "retrying upstream call"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt: breaker, budget, exchange, then learning from the answer.
    async fn attempt(&self, ctx: &CallCtx, call: &CallInfo, request: reqwest::Request) -> Attempt {
        let CallInfo { carrier, operation, safety, .. } = *call;
        if ctx.remaining().is_zero() {
            return Attempt::refused(CarrierError::Unavailable {
                carrier,
                reason: format!("no time left for {operation} before the request deadline"),
                retry_after: None,
                said: CarrierSaid::default(),
            });
        }
        let admission = match self.control.breakers.admit(&call.budget) {
            Ok(admission) => admission,
            Err(rejected) => {
                let labels = [("carrier", carrier.as_str()), ("reason", "circuit_open"), ("priority", "any")];
                self.metrics.inc(ratelimit::metrics::FAST_FAILURES, &labels);
                return Attempt::refused(CarrierError::CircuitOpen {
                    carrier,
                    retry_after: rejected.retry_after,
                    state: rejected.state.as_str(),
                });
            }
        };
        let permit = match self.control.limiter.acquire(&call.budget, carrier, ctx).await {
            Ok(permit) => permit,
            Err(e) => {
                self.control.breakers.record(&call.budget, admission, Outcome::Neutral);
                return Attempt::refused(e);
            }
        };
        let remaining = ctx.remaining();
        let started = Instant::now();
        let result = tokio::time::timeout(remaining, self.exchange(request)).await;
        let elapsed = started.elapsed();
        let now_ms = ratelimit::shared::unix_ms();
        let (outcome, health, observed) = match result {
            Ok(Ok((status, headers, body))) => {
                let observed = headers::parse(&headers, now_ms);
                let health = answer_health(carrier, status);
                (Ok(UpstreamResponse { status, headers, body, elapsed }), health, observed)
            }
            Ok(Err(TransportFailure::TooLarge)) => (
                Err(transport_error(carrier, operation, safety, TransportFailure::TooLarge)),
                Outcome::Neutral,
                Observed::default(),
            ),
            Ok(Err(e)) => (Err(transport_error(carrier, operation, safety, e)), Outcome::Failure, Observed::default()),
            Err(_) => {
                (Err(timeout_error(carrier, operation, safety, remaining)), Outcome::Failure, Observed::default())
            }
        };
        let status = outcome.as_ref().ok().map(|r| r.status.as_u16());
        let server_wait = observed.retry_at_ms.map(|at| Duration::from_millis(u64::try_from(at - now_ms).unwrap_or(0)));
        self.control.limiter.settle(permit, status, &observed).await;
        if let Some(changed) = self.control.breakers.record(&call.budget, admission, health) {
            tracing::warn!(%carrier, budget = %call.budget, state = changed.as_str(), "upstream circuit changed state");
        }
        let end = match (&outcome, health) {
            (Ok(r), _) => AttemptEnd::Answered(r.status.as_u16()),
            (Err(_), Outcome::Failure) => AttemptEnd::NoAnswer,
            (Err(_), _) => AttemptEnd::LocalFailure,
        };
        self.record(call, &outcome, elapsed);
        Attempt { outcome, end, server_wait }
    }

    fn record(&self, call: &CallInfo, outcome: &Result<UpstreamResponse, CarrierError>, elapsed: Duration) {
        let CallInfo { carrier, operation, .. } = *call;
        let status_label = match outcome {
            Ok(r) => r.status.as_u16().to_string(),
            Err(_) => "error".to_owned(),
        };
        let labels = [("carrier", carrier.as_str()), ("operation", operation), ("status", status_label.as_str())];
        self.metrics.inc(UPSTREAM_CALLS, &labels);
        self.metrics.observe(UPSTREAM_DURATION, &labels, elapsed.as_secs_f64());
        if outcome.as_ref().is_ok_and(|r| r.status == StatusCode::TOO_MANY_REQUESTS) {
            self.metrics.inc(ratelimit::metrics::RATE_LIMITED, &[("carrier", carrier.as_str())]);
        }
        let (method, url) = (&call.method, &call.url);
        match outcome {
            Ok(r) => tracing::info!(
                %carrier, operation, %method, url = %url, status = r.status.as_u16(),
                elapsed_ms = elapsed.as_millis() as u64, "upstream call"
            ),
            Err(e) => tracing::warn!(
                %carrier, operation, %method, url = %url, elapsed_ms = elapsed.as_millis() as u64,
                error = %redact(&e.to_string(), &call.secrets), "upstream call failed"
            ),
        }
    }

    async fn exchange(&self, request: reqwest::Request) -> Result<(StatusCode, HeaderMap, Bytes), TransportFailure> {
        let response = self.client.execute(request).await.map_err(TransportFailure::Send)?;
        let status = response.status();
        let headers = response.headers().clone();
        if response.content_length().is_some_and(|n| n as usize > MAX_UPSTREAM_BODY) {
            return Err(TransportFailure::TooLarge);
        }
        let mut response = response;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(TransportFailure::Body)? {
            if body.len() + chunk.len() > MAX_UPSTREAM_BODY {
                return Err(TransportFailure::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, Bytes::from(body)))
    }
}

/// What every attempt of one call shares.
struct CallInfo {
    carrier: CarrierKind,
    operation: &'static str,
    safety: Safety,
    method: reqwest::Method,
    url: String,
    secrets: Vec<String>,
    budget: String,
}

/// Whether an answer says the upstream is unhealthy: server errors are
/// (except a carrier's business-error 500s); 429 says nothing either way.
fn answer_health(carrier: CarrierKind, status: StatusCode) -> Outcome {
    match status.as_u16() {
        429 => Outcome::Neutral,
        500 if settings::http_500_is_answer(carrier) => Outcome::Success,
        500..=599 => Outcome::Failure,
        _ => Outcome::Success,
    }
}

enum TransportFailure {
    Send(reqwest::Error),
    Body(reqwest::Error),
    TooLarge,
}

fn transport_error(carrier: CarrierKind, operation: &'static str, safety: Safety, e: TransportFailure) -> CarrierError {
    match e {
        TransportFailure::TooLarge => {
            CarrierError::bad_response(carrier, format!("answer larger than {MAX_UPSTREAM_BODY} bytes"))
        }
        // Not connected: the request never left, so nothing happened upstream.
        TransportFailure::Send(e) if e.is_connect() => CarrierError::Unavailable {
            carrier,
            reason: format!("cannot connect: {}", root_cause(&e)),
            retry_after: None,
            said: CarrierSaid::default(),
        },
        TransportFailure::Send(e) | TransportFailure::Body(e) => {
            if safety == Safety::Unsafe {
                CarrierError::OutcomeUnknown { carrier, operation, reason: root_cause(&e) }
            } else {
                CarrierError::Unavailable {
                    carrier,
                    reason: format!("connection failed: {}", root_cause(&e)),
                    retry_after: None,
                    said: CarrierSaid::default(),
                }
            }
        }
    }
}

fn timeout_error(carrier: CarrierKind, operation: &'static str, safety: Safety, after: Duration) -> CarrierError {
    let reason = format!("no answer within {} ms", after.as_millis());
    if safety == Safety::Unsafe {
        CarrierError::OutcomeUnknown { carrier, operation, reason }
    } else {
        CarrierError::Unavailable { carrier, reason, retry_after: None, said: CarrierSaid::default() }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Replaces every secret value in `text` by `***`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// The URL without credentials: sensitive query values and secrets blanked.
pub fn redact_url(url: &reqwest::Url, secrets: &[String]) -> String {
    let mut clean = url.clone();
    let _ = clean.set_password(None);
    let _ = clean.set_username("");
    if clean.query().is_some() {
        let pairs: Vec<(String, String)> = clean
            .query_pairs()
            .map(|(k, v)| {
                let hidden = SECRET_PARAMS.iter().any(|p| k.eq_ignore_ascii_case(p));
                (k.into_owned(), if hidden { "***".to_owned() } else { v.into_owned() })
            })
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(pairs);
    }
    redact(clean.as_str(), secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_secrets() {
        let url =
            reqwest::Url::parse("https://u:p@x.ecotrack.dz/api/v1/get/orders/status?api_token=abcd1234&trackings=A")
                .unwrap();
        let shown = redact_url(&url, &["abcd1234".to_owned()]);
        assert_eq!(shown, "https://x.ecotrack.dz/api/v1/get/orders/status?api_token=***&trackings=A");
        assert_eq!(redact("Bearer sekret-token", &["sekret-token".to_owned()]), "Bearer ***");
    }
}
