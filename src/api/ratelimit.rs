//! Inbound rate limit on every `/v1` route, per API key (after
//! authentication): `RateLimit-Policy` and `RateLimit` headers on every
//! answer, and a 429 problem `rate_limited` with Retry-After past the limit.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::AuthContext;
use crate::domain::ids::TenantId;
use crate::error::ApiError;
use crate::ratelimit::inbound::{InboundDecision, InboundQuota};
use crate::ratelimit::metrics::INBOUND_LIMITED;
use crate::state::AppState;
use crate::store;

const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

pub async fn limit_inbound(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(auth) = request.extensions().get::<AuthContext>().cloned() else {
        return next.run(request).await;
    };
    let quota = tenant_quota(&state, auth.tenant).await;
    let decision = state.inbound.check(auth.key_id, quota);
    let mut response = match decision {
        InboundDecision::Allowed { .. } => next.run(request).await,
        InboundDecision::Limited { retry_after } => {
            state.metrics.inc(INBOUND_LIMITED, &[]);
            let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
                format!(
                    "this API key may send {} requests at once and {} per second; retry in {seconds} s",
                    quota.burst, quota.per_second
                ),
            )
            .with_retry_after(seconds)
            .into_response()
        }
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&quota.policy_header()) {
        headers.insert(RATELIMIT_POLICY, value);
    }
    if let Ok(value) = HeaderValue::from_str(&decision.header()) {
        headers.insert(RATELIMIT, value);
    }
    response
}

/// The tenant's own quota when its settings carry one, else the default.
/// Settings are cached briefly; an unreachable database means the default.
async fn tenant_quota(state: &AppState, tenant: TenantId) -> InboundQuota {
    let default = state.inbound.default_quota();
    if let Some(cached) = state.inbound.cached_tenant_quota(tenant) {
        return cached.unwrap_or(default);
    }
    let quota = match store::tenants::get(&state.db, tenant).await {
        Ok(Some(row)) => InboundQuota::from_tenant_settings(&row.settings).unwrap_or_else(|e| {
            tracing::warn!(%tenant, error = %e, "ignoring the tenant's inbound_rate_limit setting");
            None
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(%tenant, error = %e, "cannot read tenant settings; using the default inbound limit");
            return default;
        }
    };
    state.inbound.remember_tenant_quota(tenant, quota);
    quota.unwrap_or(default)
}
