//! HTTP plumbing for Ecotrack: `/api/v1/...` under the delivery company's
//! host, Bearer token (or `api_token` in the query for `get/orders/status`),
//! Laravel error shapes.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::credentials::Credentials;
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Call, Safety, UpstreamHttp, UpstreamResponse, budget_key};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::error::FieldError;

const KIND: CarrierKind = CarrierKind::Ecotrack;

#[derive(Clone)]
pub struct Client {
    pub http: UpstreamHttp,
    /// The delivery company's host, e.g. `https://acme.ecotrack.dz`.
    pub base_url: String,
    pub credentials: Credentials,
    /// Where wilayas, communes and fees are kept between calls.
    pub reference_cache: std::sync::Arc<dyn crate::carriers::reference_cache::ReferenceCache>,
}

/// How the token travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenIn {
    Header,
    /// Only `get/orders/status` takes `api_token` in the query.
    Query,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{}", self.base_url.trim_end_matches('/'), path.trim_start_matches('/'))
    }

    pub async fn send(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        builder: reqwest::RequestBuilder,
        token_in: TokenIn,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        let token = &self.credentials.api_token;
        let builder = match token_in {
            TokenIn::Header => builder.bearer_auth(token),
            TokenIn::Query => builder.query(&[("api_token", token)]),
        };
        let request = builder
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(|e| CarrierError::bad_response(KIND, format!("cannot build request: {e}")))?;
        let call = Call {
            carrier: KIND,
            budget: budget_key(KIND, ctx),
            operation,
            safety,
            request,
            secrets: vec![token.clone()],
        };
        let response = self.http.send(ctx, call).await?;
        check(&response)?;
        Ok(response)
    }

    pub async fn get(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        let builder = self.http.client().get(self.url(path)).query(query);
        self.send(ctx, operation, builder, TokenIn::Header, safety).await
    }
}

/// Laravel's validation answer: `{"message": "...", "errors": {"field": ["..."]}}`.
#[derive(Debug, Deserialize)]
pub struct LaravelError {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

fn retry_after(response: &UpstreamResponse) -> Option<Duration> {
    response.header_str("retry-after").and_then(|v| v.trim().parse().ok()).map(Duration::from_secs)
}

/// Maps HTTP errors; `success:false` with 200 is checked per endpoint by
/// `check_success` since only some answers carry `success`.
pub fn check(response: &UpstreamResponse) -> Result<(), CarrierError> {
    let status = response.status.as_u16();
    if response.status.is_success() {
        return Ok(());
    }
    let parsed: Option<LaravelError> = serde_json::from_slice(&response.body).ok();
    let message = parsed.as_ref().and_then(|p| p.message.clone());
    let said = CarrierSaid { code: Some(status.to_string()), message, http_status: Some(status) };
    Err(match status {
        401 | 403 => CarrierError::AuthFailed { carrier: KIND, said },
        404 => CarrierError::NotFound { carrier: KIND, what: "this order".into(), said },
        422 => {
            let fields = parsed
                .and_then(|p| p.errors)
                .unwrap_or_default()
                .into_iter()
                .flat_map(|(field, messages)| messages.into_iter().map(move |m| FieldError::new(field.clone(), m)))
                .collect();
            CarrierError::Rejected { carrier: KIND, said, fields }
        }
        429 => CarrierError::RateLimited {
            carrier: KIND,
            retry_after: retry_after(response).unwrap_or(Duration::from_secs(60)),
        },
        500..=599 => CarrierError::Unavailable {
            carrier: KIND,
            reason: format!("HTTP {status}"),
            retry_after: retry_after(response),
            said,
        },
        _ => CarrierError::bad_response(KIND, format!("HTTP {status}: {}", response.snippet())),
    })
}

/// `{"success": false, "message": ...}` with HTTP 200 is a refusal.
pub fn check_success(response: &UpstreamResponse) -> Result<serde_json::Value, CarrierError> {
    let value: serde_json::Value = serde_json::from_slice(&response.body)
        .map_err(|e| CarrierError::bad_response(KIND, format!("unreadable answer ({e}): {}", response.snippet())))?;
    if value.get("success").and_then(|s| s.as_bool()) == Some(false) {
        let message = value.get("message").and_then(|m| m.as_str()).map(str::to_owned);
        return Err(CarrierError::Refused {
            carrier: KIND,
            said: CarrierSaid {
                code: Some("success_false".into()),
                message,
                http_status: Some(response.status.as_u16()),
            },
        });
    }
    Ok(value)
}
