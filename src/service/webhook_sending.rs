//! One attempt of one claimed delivery: sign, send, then record the outcome
//! and the endpoint's health in one transaction guarded by the claim's token
//! (a dispatcher whose lease ran out records nothing over its successor's).

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::webhooks::{disable_in, open_secret};
use crate::domain::ids::{EventId, WebhookId};
use crate::domain::webhook::DisabledReason;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::webhook_deliveries::{self as rows, AttemptLog, ClaimedDelivery, Next};
use crate::store::webhooks as endpoints;
use crate::telemetry::metrics::Kind;
use crate::webhooks::client::{AttemptReport, SignedRequest, WebhookClient};
use crate::webhooks::retry::{MAX_ATTEMPTS, RetrySchedule};
use crate::webhooks::signing::signature_header;

pub const ATTEMPTS_METRIC: &str = "shipgate_webhook_attempts_total";
pub const LATENCY_METRIC: &str = "shipgate_webhook_attempt_duration_seconds";
/// Past this many claims a delivery whose dispatchers keep dying is given up.
const MAX_CLAIMS: i32 = MAX_ATTEMPTS as i32 + 3;

/// What every attempt of a dispatcher shares.
#[derive(Clone)]
pub struct Sender {
    pub state: AppState,
    pub client: WebhookClient,
    pub schedule: RetrySchedule,
}

impl Sender {
    pub fn new(state: &AppState) -> Self {
        let config = &state.config;
        state.metrics.describe(ATTEMPTS_METRIC, Kind::Counter, "Webhook delivery attempts, by outcome.");
        state.metrics.describe(LATENCY_METRIC, Kind::Histogram, "Webhook delivery attempt duration in seconds.");
        Sender {
            state: state.clone(),
            client: WebhookClient::new(config.webhook_allow.clone(), Duration::from_secs(config.webhook_timeout_secs)),
            schedule: RetrySchedule::new(config.webhook_retry_scale),
        }
    }

    /// Runs one attempt of a delivery this dispatcher claimed with `token`.
    pub async fn attempt(&self, claimed: ClaimedDelivery, token: Uuid) {
        if let Some(at) = claimed.abandoned_at {
            self.log_abandoned(&claimed, at).await;
        }
        let report = if claimed.attempts > MAX_CLAIMS {
            give_up_report()
        } else {
            match self.signed_body(&claimed) {
                Some((signature, msg_id, timestamp)) => {
                    let request = SignedRequest {
                        url: &claimed.url,
                        msg_id: &msg_id,
                        timestamp,
                        signature: &signature,
                        body: Bytes::from(claimed.body.clone()),
                    };
                    self.client.send(request).await
                }
                None => unreadable_secret_report(),
            }
        };
        self.observe(&report);
        if let Err(e) = self.record(&claimed, token, &report).await {
            // The lease runs out and another attempt follows: late, not lost.
            tracing::warn!(delivery = %claimed.id, error = %e, "could not record a webhook attempt");
        }
    }

    /// `(webhook-signature, webhook-id, webhook-timestamp)`, or `None` when
    /// the secret cannot be decrypted (wrong master key).
    fn signed_body(&self, claimed: &ClaimedDelivery) -> Option<(String, String, i64)> {
        let endpoint = WebhookId::from(claimed.endpoint_id);
        let mut secrets = vec![open_secret(&self.state, endpoint, &claimed.secret_enc)?];
        if let Some(previous) =
            claimed.previous_secret_enc.as_deref().and_then(|p| open_secret(&self.state, endpoint, p))
        {
            secrets.push(previous);
        }
        let msg_id = EventId::from(claimed.event_id).to_string();
        let timestamp = Utc::now().timestamp();
        Some((signature_header(&secrets, &msg_id, timestamp, claimed.body.as_bytes()), msg_id, timestamp))
    }

    fn observe(&self, report: &AttemptReport) {
        let outcome = match (report.succeeded(), report.status) {
            (true, _) => "succeeded",
            (false, Some(_)) => "http_error",
            (false, None) => "no_answer",
        };
        let metrics = &self.state.metrics;
        metrics.inc(ATTEMPTS_METRIC, &[("outcome", outcome)]);
        metrics.observe(LATENCY_METRIC, &[("outcome", outcome)], report.latency.as_secs_f64());
    }

    async fn log_abandoned(&self, claimed: &ClaimedDelivery, started_at: DateTime<Utc>) {
        let log = AttemptLog {
            attempt: claimed.attempts - 1,
            started_at,
            succeeded: false,
            response_status: None,
            latency_ms: None,
            error: Some("the dispatcher stopped during this attempt (crash or restart); sent again after its lease"),
            response_body: None,
            response_truncated: false,
        };
        let result = async {
            let mut conn = self.state.db.acquire().await?;
            rows::log_attempt(&mut conn, claimed.id, &log).await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(delivery = %claimed.id, error = %e, "could not log an abandoned webhook attempt");
        }
        tracing::warn!(delivery = %claimed.id, attempt = claimed.attempts - 1, "webhook attempt abandoned by a stopped dispatcher; sending again");
    }

    fn next_step(&self, claimed: &ClaimedDelivery, report: &AttemptReport) -> Next {
        if report.succeeded() {
            return Next::Succeeded;
        }
        let attempt = u32::try_from(claimed.attempts).unwrap_or(u32::MAX);
        match self.schedule.next_delay(attempt, report.retry_after) {
            Some(delay) if claimed.attempts <= MAX_CLAIMS => Next::RetryInSecs(delay.as_secs_f64()),
            _ => Next::Failed,
        }
    }

    async fn record(&self, claimed: &ClaimedDelivery, token: Uuid, report: &AttemptReport) -> Result<(), ApiError> {
        let next = self.next_step(claimed, report);
        let log = AttemptLog {
            attempt: claimed.attempts,
            started_at: claimed.started_at,
            succeeded: report.succeeded(),
            response_status: report.status.map(i32::from),
            latency_ms: Some(i64::try_from(report.latency.as_millis()).unwrap_or(i64::MAX)),
            error: report.error.as_deref(),
            response_body: report.body.as_deref(),
            response_truncated: report.truncated,
        };
        let mut tx = self.state.db.begin().await?;
        if !rows::finish(&mut tx, claimed.id, token, &log, next).await? {
            tracing::warn!(delivery = %claimed.id, "webhook claim lost before the attempt was recorded");
            return Ok(());
        }
        if report.succeeded() {
            endpoints::record_success(&mut tx, claimed.endpoint_id).await?;
        } else {
            let window = self.state.config.webhook_disable_after_secs;
            let failing_since = endpoints::record_failure(&mut tx, claimed.endpoint_id).await?;
            let error = report.error.as_deref().unwrap_or("failed");
            if report.gone() {
                let detail = format!("answered 410 Gone to {} at {}", claimed.event_type, Utc::now().to_rfc3339());
                self.disable(&mut tx, claimed, DisabledReason::Gone, &detail).await?;
            } else if let Some(since) = failing_since
                && (Utc::now() - since).to_std().is_ok_and(|failing| failing >= Duration::from_secs(window))
            {
                let detail = format!("every delivery failed since {}; last error: {error}", since.to_rfc3339());
                self.disable(&mut tx, claimed, DisabledReason::Failing, &detail).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn disable(
        &self,
        tx: &mut sqlx::PgConnection,
        claimed: &ClaimedDelivery,
        reason: DisabledReason,
        detail: &str,
    ) -> Result<(), ApiError> {
        if disable_in(tx, claimed.endpoint_id, reason, detail).await? {
            let endpoint = WebhookId::from(claimed.endpoint_id);
            tracing::warn!(%endpoint, reason = reason.as_str(), detail, "webhook endpoint disabled");
        }
        Ok(())
    }
}

fn unreadable_secret_report() -> AttemptReport {
    AttemptReport {
        status: None,
        latency: Duration::ZERO,
        error: Some("not sent: the signing secret cannot be decrypted with the configured master key".to_owned()),
        body: None,
        truncated: false,
        retry_after: None,
    }
}

fn give_up_report() -> AttemptReport {
    AttemptReport {
        status: None,
        latency: Duration::ZERO,
        error: Some("given up: dispatchers kept stopping during this delivery".to_owned()),
        body: None,
        truncated: false,
        retry_after: None,
    }
}
