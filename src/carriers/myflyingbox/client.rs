//! HTTP plumbing for My Flying Box: Basic auth, JSON bodies, the envelope.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::credentials::Credentials;
use super::wire::Envelope;
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Call, Safety, UpstreamHttp, UpstreamResponse, budget_key};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;

const KIND: CarrierKind = CarrierKind::Myflyingbox;

#[derive(Clone)]
pub struct Client {
    pub http: UpstreamHttp,
    /// e.g. `https://api.myflyingbox.com/v2`, no trailing slash.
    pub base_url: String,
    pub credentials: Credentials,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }

    fn secrets(&self) -> Vec<String> {
        vec![self.credentials.password.clone()]
    }

    async fn send(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        safety: Safety,
        builder: reqwest::RequestBuilder,
    ) -> Result<UpstreamResponse, CarrierError> {
        let request = builder
            .basic_auth(&self.credentials.login, Some(&self.credentials.password))
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(|e| CarrierError::bad_response(KIND, format!("cannot build request: {e}")))?;
        let call =
            Call { carrier: KIND, budget: budget_key(KIND, ctx), operation, safety, request, secrets: self.secrets() };
        self.http.send(ctx, call).await
    }

    pub async fn get(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        path: &str,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        self.send(ctx, operation, safety, self.http.client().get(self.url(path))).await
    }

    pub async fn get_query<Q: Serialize + ?Sized>(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        path: &str,
        query: &Q,
    ) -> Result<UpstreamResponse, CarrierError> {
        self.send(ctx, operation, Safety::Safe, self.http.client().get(self.url(path)).query(query)).await
    }

    pub async fn post<B: Serialize + ?Sized>(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        path: &str,
        body: &B,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        self.send(ctx, operation, safety, self.http.client().post(self.url(path)).json(body)).await
    }

    pub async fn put(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        path: &str,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        self.send(ctx, operation, safety, self.http.client().put(self.url(path))).await
    }

    /// The `data` of a successful envelope, or the carrier's error mapped.
    pub fn data<T: DeserializeOwned>(&self, response: &UpstreamResponse) -> Result<T, CarrierError> {
        let envelope: Envelope<T> = serde_json::from_slice(&response.body).map_err(|e| {
            if response.status.is_server_error() {
                unavailable(response, "server error without a readable envelope")
            } else {
                CarrierError::BadResponse {
                    carrier: KIND,
                    reason: format!("unreadable envelope ({e}): {}", response.snippet()),
                    said: said(response, None, None),
                }
            }
        })?;
        if envelope.status == "success" && response.status.is_success() {
            return envelope.data.ok_or_else(|| CarrierError::bad_response(KIND, "success envelope without `data`"));
        }
        Err(error_from(response, envelope.error))
    }
}

fn said(response: &UpstreamResponse, code: Option<String>, message: Option<String>) -> CarrierSaid {
    CarrierSaid { code, message, http_status: Some(response.status.as_u16()) }
}

fn unavailable(response: &UpstreamResponse, reason: &str) -> CarrierError {
    CarrierError::Unavailable {
        carrier: KIND,
        reason: format!("HTTP {}: {reason}", response.status.as_u16()),
        retry_after: retry_after(response),
        said: said(response, None, None),
    }
}

fn retry_after(response: &UpstreamResponse) -> Option<Duration> {
    response.header_str("retry-after").and_then(|v| v.trim().parse().ok()).map(Duration::from_secs)
}

/// Maps the documented error types; `failure` may come with any HTTP status.
pub fn error_from(response: &UpstreamResponse, error: Option<super::wire::WireError>) -> CarrierError {
    let Some(error) = error else {
        return if response.status.is_server_error() {
            unavailable(response, "failure without details")
        } else {
            CarrierError::bad_response(KIND, format!("failure without an error object: {}", response.snippet()))
        };
    };
    let message = match &error.details {
        Some(details) => Some(format!("{} ({details})", error.message.clone().unwrap_or_default())),
        None => error.message.clone(),
    };
    let fields = detail_fields(error.details.as_ref());
    let s = said(response, Some(error.kind.clone()), message);
    match error.kind.as_str() {
        // Business refusals arrive with HTTP 200 and `status: failure`.
        "order_not_cancellable" => CarrierError::Refused { carrier: KIND, said: s },
        "resource_not_created" if response.status.is_success() => CarrierError::Refused { carrier: KIND, said: s },
        "access_denied" => CarrierError::AuthFailed { carrier: KIND, said: s },
        "resource_not_found" | "not_found" => {
            CarrierError::NotFound { carrier: KIND, what: "this resource".to_owned(), said: s }
        }
        "labels_not_ready" => {
            CarrierError::NotReady { carrier: KIND, what: "label", retry_after: Duration::from_secs(10), said: s }
        }
        "internal" => CarrierError::Unavailable {
            carrier: KIND,
            reason: "internal error at My Flying Box".to_owned(),
            retry_after: retry_after(response),
            said: s,
        },
        _ if response.status.as_u16() == 429 => CarrierError::RateLimited {
            carrier: KIND,
            retry_after: retry_after(response).unwrap_or(Duration::from_secs(60)),
        },
        _ => CarrierError::Rejected { carrier: KIND, said: s, fields },
    }
}

/// `details` of `resource_not_created`: `{"attribute.path": ["message", ...]}`.
fn detail_fields(details: Option<&serde_json::Value>) -> Vec<crate::error::FieldError> {
    let Some(serde_json::Value::Object(map)) = details else {
        return Vec::new();
    };
    map.iter()
        .flat_map(|(field, messages)| {
            let list = match messages {
                serde_json::Value::Array(items) => items.iter().filter_map(|m| m.as_str()).map(str::to_owned).collect(),
                serde_json::Value::String(m) => vec![m.clone()],
                other => vec![other.to_string()],
            };
            list.into_iter().map(move |m| crate::error::FieldError::new(field.clone(), m))
        })
        .collect()
}
