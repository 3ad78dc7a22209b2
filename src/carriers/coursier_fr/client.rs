//! HTTP plumbing for Coursier.fr: POST JSON with the credentials in the body;
//! an answer is an array of records, or `{"Message": "..."}` on error.

use serde::Serialize;

use super::credentials::Credentials;
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Call, Safety, UpstreamHttp, budget_key};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;

const KIND: CarrierKind = CarrierKind::CoursierFr;

#[derive(Clone)]
pub struct Client {
    pub http: UpstreamHttp,
    /// e.g. `https://api.coursier.fr`.
    pub base_url: String,
    pub credentials: Credentials,
}

#[derive(Serialize)]
struct TrackingRequest<'a> {
    #[serde(rename = "User")]
    user: &'a str,
    #[serde(rename = "Apikey")]
    apikey: &'a str,
    #[serde(rename = "ClientId")]
    client_id: u64,
    /// `null` asks for every ongoing mission.
    #[serde(rename = "MissionNumber")]
    mission_number: Option<&'a str>,
    #[serde(rename = "Lang")]
    lang: &'a str,
}

impl Client {
    pub fn url(&self) -> String {
        format!("{}/v3/tracking.php", self.base_url.trim_end_matches('/'))
    }

    /// The raw records for one mission (`Some`) or all ongoing ones (`None`).
    pub async fn tracking(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        mission_number: Option<&str>,
    ) -> Result<Vec<serde_json::Value>, CarrierError> {
        let body = TrackingRequest {
            user: &self.credentials.user,
            apikey: &self.credentials.api_key,
            client_id: self.credentials.client_id,
            mission_number,
            lang: "EN",
        };
        let request = self
            .http
            .client()
            .post(self.url())
            .json(&body)
            .build()
            .map_err(|e| CarrierError::bad_response(KIND, format!("cannot build request: {e}")))?;
        let call = Call {
            carrier: KIND,
            budget: budget_key(KIND, ctx),
            operation,
            safety: Safety::Safe,
            request,
            secrets: vec![self.credentials.api_key.clone()],
        };
        let response = self.http.send(ctx, call).await?;
        let status = response.status.as_u16();
        if status == 429 {
            let retry = response.header_str("retry-after").and_then(|v| v.trim().parse().ok()).unwrap_or(60);
            return Err(CarrierError::RateLimited {
                carrier: KIND,
                retry_after: std::time::Duration::from_secs(retry),
            });
        }
        let value: serde_json::Value = serde_json::from_slice(&response.body).map_err(|e| {
            if response.status.is_server_error() {
                CarrierError::Unavailable {
                    carrier: KIND,
                    reason: format!("HTTP {status}"),
                    retry_after: None,
                    said: CarrierSaid { http_status: Some(status), ..Default::default() },
                }
            } else {
                CarrierError::bad_response(KIND, format!("unreadable answer ({e}): {}", response.snippet()))
            }
        })?;
        match value {
            serde_json::Value::Array(records) => Ok(records),
            serde_json::Value::Object(map) if map.contains_key("Message") => {
                let message = map.get("Message").and_then(|m| m.as_str()).unwrap_or_default().to_owned();
                Err(message_error(message, status))
            }
            other => Err(CarrierError::bad_response(KIND, format!("expected an array of missions, got {other}"))),
        }
    }
}

/// `{Message}` carries no code: recognise credential problems by their words.
fn message_error(message: String, status: u16) -> CarrierError {
    let lower = message.to_lowercase();
    let said = CarrierSaid { code: None, message: Some(message), http_status: Some(status) };
    let auth_words = ["auth", "apikey", "api key", "identifiant", "user", "client", "access", "accès", "acces"];
    if auth_words.iter().any(|w| lower.contains(w)) {
        CarrierError::AuthFailed { carrier: KIND, said }
    } else if lower.contains("not found") || lower.contains("introuvable") || lower.contains("inconnu") {
        CarrierError::NotFound { carrier: KIND, what: "this mission".into(), said }
    } else {
        CarrierError::Rejected { carrier: KIND, said, fields: Vec::new() }
    }
}
