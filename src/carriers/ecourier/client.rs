//! HTTP plumbing for e-Courier: endpoints under `ecJsonPost.asmx`, the
//! UserGUID header, status codes -1..-6 inside HTTP 500, 409 refusals.

use serde::Serialize;

use std::sync::Arc;

use super::credentials::Credentials;
use super::session::LocalLocks;
use super::wire::{LoginRequest, StatusAnswer};
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Call, Safety, UpstreamHttp, UpstreamResponse, budget_key};
use crate::carriers::session::SessionStore;
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;

const KIND: CarrierKind = CarrierKind::Ecourier;

#[derive(Clone)]
pub struct Client {
    pub http: UpstreamHttp,
    /// e.g. `http://post.example.e-courier.com/example/software/xml/ecJsonPost.asmx`.
    pub base_url: String,
    pub credentials: Credentials,
    /// Where the UserGUID is kept (see `session.rs`).
    pub sessions: Arc<dyn SessionStore>,
    pub local_locks: Arc<LocalLocks>,
    /// Services, billing code, zone and currency of this customer system.
    pub settings: super::settings::Settings,
}

impl Client {
    pub fn url(&self, endpoint: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), endpoint)
    }

    /// POSTs `body` to an endpoint, with the UserGUID header when given.
    pub async fn post<B: Serialize + ?Sized>(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        endpoint: &str,
        guid: Option<&str>,
        body: &B,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        let mut builder = self.http.client().post(self.url(endpoint)).json(body);
        let mut secrets: Vec<String> = self.credentials.password.iter().cloned().collect();
        if let Some(guid) = guid {
            builder = builder.header("UserGUID", guid);
            secrets.push(guid.to_owned());
        }
        let request =
            builder.build().map_err(|e| CarrierError::bad_response(KIND, format!("cannot build request: {e}")))?;
        let call = Call { carrier: KIND, budget: budget_key(KIND, ctx), operation, safety, request, secrets };
        let response = self.http.send(ctx, call).await?;
        check(&response)?;
        Ok(response)
    }

    /// Login: a fresh UserGUID from username and password.
    pub async fn login(&self, ctx: &CallCtx) -> Result<String, CarrierError> {
        let (Some(username), Some(password)) = (&self.credentials.username, &self.credentials.password) else {
            return Err(CarrierError::AuthFailed {
                carrier: KIND,
                said: CarrierSaid { message: Some("no username/password to log in with".into()), ..Default::default() },
            });
        };
        let body = LoginRequest { website: &self.credentials.website, username, password };
        // A refused Login comes back as -4 "requested action not performed".
        let response = self.post(ctx, "login", "Login", None, &body, Safety::Safe).await.map_err(|e| match e {
            CarrierError::Rejected { said, .. } => CarrierError::AuthFailed { carrier: KIND, said },
            other => other,
        })?;
        guid_from(&response)
    }

    /// RefreshGUID: the GUID travels in the header; the body is ignored upstream.
    pub async fn refresh_guid(&self, ctx: &CallCtx, guid: &str) -> Result<String, CarrierError> {
        let body = serde_json::json!({ "UserGUID": guid });
        let response = self.post(ctx, "refresh_guid", "RefreshGUID", Some(guid), &body, Safety::Safe).await?;
        guid_from(&response)
    }
}

fn guid_from(response: &UpstreamResponse) -> Result<String, CarrierError> {
    let answer: StatusAnswer = serde_json::from_slice(&response.body)
        .map_err(|e| CarrierError::bad_response(KIND, format!("unreadable answer ({e}): {}", response.snippet())))?;
    match answer.user_guid {
        Some(guid) if answer.status == "0" && !guid.trim().is_empty() => Ok(guid),
        _ => Err(CarrierError::bad_response(KIND, format!("no UserGUID in the answer: {}", response.snippet()))),
    }
}

/// Maps HTTP 409 and the documented error statuses; passes successes through.
pub fn check(response: &UpstreamResponse) -> Result<(), CarrierError> {
    let code = response.status.as_u16();
    if response.status.is_success() {
        return Ok(());
    }
    let answer: Option<StatusAnswer> = serde_json::from_slice(&response.body).ok();
    let status = answer.as_ref().map(|a| a.status.clone());
    let description = answer.and_then(|a| a.statusdescription);
    let said = CarrierSaid { code: status.clone(), message: description.clone(), http_status: Some(code) };
    if code == 409 {
        return Err(CarrierError::Refused { carrier: KIND, said });
    }
    if code == 429 {
        let retry = response.header_str("retry-after").and_then(|v| v.trim().parse().ok()).unwrap_or(60);
        return Err(CarrierError::RateLimited { carrier: KIND, retry_after: std::time::Duration::from_secs(retry) });
    }
    let unavailable = |reason: &str| CarrierError::Unavailable {
        carrier: KIND,
        reason: reason.to_owned(),
        retry_after: None,
        said: said.clone(),
    };
    Err(match status.as_deref() {
        // -1: undefined error; -3: database down. Both are worth a later retry.
        Some("-1") => unavailable("undefined error at e-Courier"),
        Some("-3") => unavailable("e-Courier database unavailable"),
        // -2: e-Courier could not parse what we sent: our bug, not the user's.
        Some("-2") => CarrierError::BadResponse {
            carrier: KIND,
            reason: "e-Courier could not parse the request shipgate sent".into(),
            said,
        },
        Some("-4") if description.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("not found")) => {
            CarrierError::NotFound { carrier: KIND, what: "this order".into(), said }
        }
        Some("-4") => CarrierError::Rejected { carrier: KIND, said, fields: Vec::new() },
        // -5: no UserGUID; -6: no configuration for this UserGUID (unknown or expired).
        Some("-5") | Some("-6") => CarrierError::AuthFailed { carrier: KIND, said },
        _ if response.status.is_server_error() => unavailable("server error"),
        _ => CarrierError::bad_response(KIND, format!("HTTP {code}: {}", response.snippet())),
    })
}
