//! `Idempotency-Key` on unsafe POSTs: the same key and request replay the
//! first answer; the same key with another request is a 422; a duplicate
//! arriving while the first still runs is a 409. Transient failures (5xx,
//! 429) are not stored, so the client can retry them with the same key.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::auth::AuthContext;
use super::extract::payload_too_large;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::idempotency::{self, Begin, KeyClaim};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a running request holds its key before a retry may take over.
const LEASE: Duration = Duration::from_secs(120);
const RETENTION: Duration = idempotency::KEY_RETENTION;
const MAX_KEY_LEN: usize = 255;
/// Answers larger than this are not stored (none of ours are).
const MAX_STORED_RESPONSE: usize = 4 * 1024 * 1024;
/// Response headers worth replaying.
const KEPT_HEADERS: &[&str] = &["content-type", "location"];

/// The key of the running request, for handlers that tie their own records
/// (e.g. a booking intent) to it.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub String);

pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(raw) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let key = match raw.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| (0x21..=0x7e).contains(&b)) => {
            k.to_owned()
        }
        _ => {
            return ApiError::bad_request(
                "invalid_idempotency_key",
                format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            )
            .into_response();
        }
    };
    let Some(auth) = request.extensions().get::<AuthContext>().cloned() else {
        return ApiError::internal("idempotency layer runs before authentication").into_response();
    };
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::BODY_LIMIT_BYTES).await else {
        return payload_too_large().into_response();
    };
    let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let hash: [u8; 32] = {
        let mut h = Sha256::new();
        h.update(parts.method.as_str());
        h.update([0]);
        h.update(&path);
        h.update([0]);
        h.update(&bytes);
        h.finalize().into()
    };
    let claim =
        KeyClaim { tenant: auth.tenant, key: &key, request_hash: &hash, method: parts.method.as_str(), path: &path };
    let begun = idempotency::begin(&state.db, claim, LEASE, RETENTION).await;
    match begun {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Begin::Replay { status, headers, body }) => match state.secrets.open(&body, &associated(&auth, &key)) {
            Ok(plain) => replay(status, &headers, plain),
            Err(e) => ApiError::internal(format!("stored idempotent answer unreadable: {e}")).into_response(),
        },
        Ok(Begin::Mismatch) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Idempotency key reused",
            "this Idempotency-Key was already used with a different request; use a new key",
        )
        .into_response(),
        Ok(Begin::InProgress) => ApiError::conflict(
            "idempotency_request_in_progress",
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
        .with_retry_after(1)
        .into_response(),
        Ok(Begin::Started) => {
            parts.extensions.insert(IdempotencyKey(key.clone()));
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            finish(&state, &auth, &key, response).await
        }
    }
}

async fn finish(state: &AppState, auth: &AuthContext, key: &str, response: Response) -> Response {
    let status = response.status();
    let transient = status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS;
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_STORED_RESPONSE).await {
        Ok(b) => b,
        Err(e) => {
            let _ = idempotency::release(&state.db, auth.tenant, key).await;
            return ApiError::internal(format!("unbufferable response: {e}")).into_response();
        }
    };
    let stored = if transient {
        idempotency::release(&state.db, auth.tenant, key).await
    } else {
        // Stored answers can hold one-time secrets (webhook signing secrets):
        // encrypted like every other secret at rest.
        let sealed = state.secrets.seal(&bytes, &associated(auth, key));
        idempotency::complete(&state.db, auth.tenant, key, status.as_u16(), &kept_headers(&parts.headers), &sealed)
            .await
    };
    if let Err(e) = stored {
        tracing::error!(error = %e, "could not record the idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn kept_headers(headers: &HeaderMap) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for name in KEPT_HEADERS {
        if let Some(v) = headers.get(*name).and_then(|v| v.to_str().ok()) {
            map.insert((*name).to_owned(), v.into());
        }
    }
    serde_json::Value::Object(map)
}

/// Binds a stored answer to its tenant and key.
fn associated(auth: &AuthContext, key: &str) -> Vec<u8> {
    let mut aad = auth.tenant.uuid().as_bytes().to_vec();
    aad.extend_from_slice(key.as_bytes());
    aad
}

fn replay(status: u16, headers: &serde_json::Value, body: Vec<u8>) -> Response {
    let mut response = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    if let Some(map) = headers.as_object() {
        for (name, value) in map {
            if let (Ok(n), Some(Ok(v))) =
                (HeaderName::try_from(name.as_str()), value.as_str().map(HeaderValue::from_str))
            {
                response.headers_mut().insert(n, v);
            }
        }
    }
    response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}
