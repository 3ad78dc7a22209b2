//! `Authorization: Bearer <key>` on every `/v1` route. Valid keys are cached
//! briefly so reads do not pay a database round trip for authentication.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::crypto::token_hash;
use crate::domain::ids::{ApiKeyId, TenantId};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

const CACHE_TTL: Duration = Duration::from_secs(30);
const CACHE_MAX: usize = 10_000;
const MAX_KEY_LEN: usize = 200;

/// Who is calling: resolved from the API key by `require_api_key`.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub tenant: TenantId,
    pub tenant_name: String,
    pub key_id: ApiKeyId,
    /// `live` or `test`.
    pub mode: String,
}

#[derive(Default)]
pub struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], (AuthContext, Instant)>>,
}

impl AuthCache {
    fn get(&self, hash: &[u8; 32]) -> Option<AuthContext> {
        let entries = self.entries.lock().expect("auth cache lock");
        entries.get(hash).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(ctx, _)| ctx.clone())
    }

    fn put(&self, hash: [u8; 32], ctx: AuthContext) {
        let mut entries = self.entries.lock().expect("auth cache lock");
        if entries.len() >= CACHE_MAX {
            entries.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
            if entries.len() >= CACHE_MAX {
                entries.clear();
            }
        }
        entries.insert(hash, (ctx, Instant::now()));
    }

    /// Forgets every cached key (after a revocation).
    pub fn clear(&self) {
        self.entries.lock().expect("auth cache lock").clear();
    }
}

fn unauthorized(detail: &str) -> Response {
    let mut response = ApiError::unauthorized(detail).into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"shipgate\""));
    response
}

pub async fn require_api_key(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return unauthorized("send your API key as `Authorization: Bearer <key>`");
    };
    let Some(key) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return unauthorized("the Authorization header must be `Bearer <key>`");
    };
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return unauthorized("invalid API key");
    }
    let hash = token_hash(key);
    let context = match state.auth_cache.get(&hash) {
        Some(ctx) => ctx,
        None => match store::api_keys::find_active(&state.db, &hash).await {
            Ok(Some(owner)) => {
                let ctx = AuthContext {
                    tenant: owner.tenant_id.into(),
                    tenant_name: owner.tenant_name,
                    key_id: owner.key_id.into(),
                    mode: owner.mode,
                };
                state.auth_cache.put(hash, ctx.clone());
                ctx
            }
            Ok(None) => return unauthorized("invalid or revoked API key"),
            Err(e) => return ApiError::from(e).into_response(),
        },
    };
    tracing::Span::current().record("tenant", tracing::field::display(&context.tenant));
    request.extensions_mut().insert(context);
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for AuthContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AuthContext>()
            .cloned()
            .ok_or_else(|| ApiError::internal("route is missing the require_api_key layer"))
    }
}
