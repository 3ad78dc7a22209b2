//! The middleware every carrier call goes through, in this order: count the call,
//! authenticate (carrier-specific), rate-limit (real time), inject faults, run the
//! handler, maybe lose a create answer. Handlers read the caller's account from
//! the `AccountKey` request extension.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::carrier::Carrier;
use super::faults::FaultAction;
use super::ratelimit::RateDecision;
use super::stats::UNAUTHENTICATED;
use crate::sandbox::config::EcotrackHeaderStyle;
use crate::sandbox::state::SandboxState;

const MAX_BODY: usize = 4 * 1024 * 1024;

/// The authenticated account of a call (see `core::accounts` for the key of each carrier).
#[derive(Clone, Debug)]
pub struct AccountKey(pub String);

/// Put in a response's extensions by handlers that created an order, so the
/// `lose_create_answers` fault can drop the answer after the order was stored.
#[derive(Clone, Copy, Debug)]
pub struct CreatedResource;

/// What each carrier plugs into the gate.
pub trait CarrierApi: Send + Sync + 'static {
    const CARRIER: Carrier;
    /// The mount point of the carrier, removed from route templates in counters.
    const PREFIX: &'static str;

    fn authenticate(state: &SandboxState, endpoint: &str, parts: &Parts, body: &Bytes) -> Result<String, Response>;
    fn too_many_requests(parts: &Parts, retry_after: u64) -> Response;
    fn injected_error(state: &SandboxState, parts: &Parts) -> Response;
    /// A truncated, invalid JSON document served with HTTP 200.
    fn malformed_body() -> &'static str;
}

/// "METHOD /template" relative to the carrier mount point.
pub fn endpoint_name(prefix: &str, method: &Method, matched: &str) -> String {
    let mut template = match matched.find(prefix) {
        Some(pos) => matched[pos + prefix.len()..].to_owned(),
        None => matched.to_owned(),
    };
    if template.is_empty() {
        template.push('/');
    }
    format!("{method} {template}")
}

/// A response whose body fails at once: hyper aborts the connection without answering.
pub fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("sandbox dropped the connection"))
    });
    Response::new(Body::from_stream(stream))
}

pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: impl ToString) {
    if let (Ok(name), Ok(value)) = (axum::http::HeaderName::try_from(name), HeaderValue::try_from(value.to_string())) {
        headers.insert(name, value);
    }
}

/// Ecotrack sends its budget on every response; others only say Retry-After on 429.
fn apply_rate_headers(carrier: Carrier, decision: &RateDecision, response: &mut Response) {
    let headers = response.headers_mut();
    if !decision.allowed {
        insert_header(headers, "retry-after", decision.retry_after);
    }
    if carrier != Carrier::Ecotrack || !decision.limited {
        return;
    }
    match decision.style {
        EcotrackHeaderStyle::ThreeWindows => {
            for w in &decision.windows {
                insert_header(headers, &format!("x-ratelimit-limit-{}", w.name), w.limit);
                insert_header(headers, &format!("x-ratelimit-remaining-{}", w.name), w.remaining);
                insert_header(headers, &format!("x-ratelimit-reset-{}", w.name), w.reset_at);
            }
        }
        EcotrackHeaderStyle::Legacy => {
            if let Some(minute) = decision.windows.first() {
                insert_header(headers, "x-ratelimit-limit", minute.limit);
                insert_header(headers, "x-ratelimit-remaining", minute.remaining);
            }
            let reset = decision.windows.iter().map(|w| w.reset_at).max();
            if let (false, Some(reset)) = (decision.allowed, reset) {
                insert_header(headers, "x-ratelimit-reset", reset);
            }
        }
    }
}

async fn hang_until_shutdown(state: &SandboxState) -> Response {
    let mut shutdown = state.shutdown.subscribe();
    while !*shutdown.borrow_and_update() {
        if shutdown.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
    dropped_connection()
}

pub async fn gate<C: CarrierApi>(State(state): State<Arc<SandboxState>>, request: Request, next: Next) -> Response {
    let carrier = C::CARRIER;
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let endpoint = endpoint_name(C::PREFIX, request.method(), &matched);
    let (mut parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();

    let auth = C::authenticate(&state, &endpoint, &parts, &body);
    let account = auth.as_ref().map(String::as_str).unwrap_or(UNAUTHENTICATED).to_owned();
    state.stats.record_call(carrier, &endpoint, &account);

    // Ecotrack throttles before authenticating (anonymous callers share one bucket).
    let decision = match (&auth, carrier) {
        (Ok(_), _) | (Err(_), Carrier::Ecotrack) => Some(state.limits.check(carrier, &account)),
        _ => None,
    };
    let finish = |mut response: Response| {
        if let Some(decision) = &decision {
            apply_rate_headers(carrier, decision, &mut response);
        }
        response
    };
    if let Some(decision) = decision.as_ref().filter(|d| !d.allowed) {
        state.stats.record_rate_limited(carrier, &account);
        return finish(C::too_many_requests(&parts, decision.retry_after));
    }
    let account = match auth {
        Ok(account) => account,
        Err(response) => return finish(response),
    };

    let (latency, action) = state.faults.decide(carrier);
    if !latency.is_zero() {
        state.stats.record_fault(carrier, "latency");
        tokio::time::sleep(latency).await;
    }
    match action {
        FaultAction::Pass => {}
        FaultAction::Error => {
            state.stats.record_fault(carrier, "error");
            return finish(C::injected_error(&state, &parts));
        }
        FaultAction::Hang => {
            state.stats.record_fault(carrier, "hang");
            return hang_until_shutdown(&state).await;
        }
        FaultAction::Drop => {
            state.stats.record_fault(carrier, "drop");
            return dropped_connection();
        }
        FaultAction::Malformed => {
            state.stats.record_fault(carrier, "malformed");
            let response =
                (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], C::malformed_body()).into_response();
            return finish(response);
        }
    }

    parts.extensions.insert(AccountKey(account));
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let created = response.extensions().get::<CreatedResource>().is_some();
    if created && response.status().is_success() && state.faults.take_lost_create(carrier) {
        state.stats.record_fault(carrier, "lost_create_answer");
        return dropped_connection();
    }
    finish(response)
}
