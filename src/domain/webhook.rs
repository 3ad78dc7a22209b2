//! Webhooks as merchants see them: the event catalogue, the envelope every
//! event is sent in, endpoints and deliveries. Pure types, no I/O.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{DeliveryId, EventId, WebhookId};

/// What happened. Dotted names, grouped by the object they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    /// A shipment was booked with the carrier.
    #[serde(rename = "shipment.created")]
    ShipmentCreated,
    /// The shipment's label can be downloaded.
    #[serde(rename = "shipment.label_ready")]
    ShipmentLabelReady,
    /// The carrier confirmed the cancellation of a shipment.
    #[serde(rename = "shipment.cancelled")]
    ShipmentCancelled,
    /// A tracker's normalized status changed (to any status).
    #[serde(rename = "tracker.updated")]
    TrackerUpdated,
    /// A tracker reached `delivered`.
    #[serde(rename = "tracker.delivered")]
    TrackerDelivered,
    /// A tracker reached an exception status (failed attempt, return, loss...).
    #[serde(rename = "tracker.exception")]
    TrackerException,
    /// The carrier confirmed a pickup.
    #[serde(rename = "pickup.confirmed")]
    PickupConfirmed,
    /// The carrier collected the cash-on-delivery amount.
    #[serde(rename = "cod.collected")]
    CodCollected,
    /// Sent by `POST /v1/webhooks/{id}/test`, to that endpoint only.
    #[serde(rename = "webhook.ping")]
    WebhookPing,
    /// One of your endpoints was disabled (410 Gone, or failing for too long).
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::ShipmentCreated,
        EventType::ShipmentLabelReady,
        EventType::ShipmentCancelled,
        EventType::TrackerUpdated,
        EventType::TrackerDelivered,
        EventType::TrackerException,
        EventType::PickupConfirmed,
        EventType::CodCollected,
        EventType::WebhookPing,
        EventType::WebhookDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ShipmentCreated => "shipment.created",
            EventType::ShipmentLabelReady => "shipment.label_ready",
            EventType::ShipmentCancelled => "shipment.cancelled",
            EventType::TrackerUpdated => "tracker.updated",
            EventType::TrackerDelivered => "tracker.delivered",
            EventType::TrackerException => "tracker.exception",
            EventType::PickupConfirmed => "pickup.confirmed",
            EventType::CodCollected => "cod.collected",
            EventType::WebhookPing => "webhook.ping",
            EventType::WebhookDisabled => "webhook.disabled",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type `{0}`")]
pub struct UnknownEventType(pub String);

impl FromStr for EventType {
    type Err = UnknownEventType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownEventType(s.chars().take(60).collect()))
    }
}

/// The body of every webhook request, and what `GET /v1/events/{id}` returns.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "evt_01jd8x5g2k3m4n5p6q7r8s9t0v",
    "type": "shipment.created",
    "created_at": "2025-11-23T18:00:00.123456Z",
    "data": {"object": {"id": "shp_01jd8x5g2k3m4n5p6q7r8s9t0v", "status": "created"}}
}))]
pub struct Event {
    /// Also sent as the `webhook-id` header: the same on every retry and replay,
    /// so receivers deduplicate on it.
    pub id: EventId,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the change happened (not when this request was sent).
    pub created_at: DateTime<Utc>,
    pub data: EventData,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventData {
    /// The full object (shipment, tracker, pickup, endpoint...) exactly as the
    /// API returns it, as it was when the event happened.
    #[schema(value_type = Object)]
    pub object: serde_json::Value,
}

/// Why an endpoint receives nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisabledReason {
    /// You disabled it (`PATCH` with `enabled: false`).
    Manual,
    /// It answered 410 Gone.
    Gone,
    /// Every delivery failed for longer than the allowed window.
    Failing,
}

impl DisabledReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DisabledReason::Manual => "manual",
            DisabledReason::Gone => "gone",
            DisabledReason::Failing => "failing",
        }
    }
}

impl FromStr for DisabledReason {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "manual" => Ok(DisabledReason::Manual),
            "gone" => Ok(DisabledReason::Gone),
            "failing" => Ok(DisabledReason::Failing),
            other => Err(format!("unknown disabled reason `{other}`")),
        }
    }
}

/// A merchant's webhook endpoint. The signing secret is never part of it,
/// except in the answers of creation and rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    pub id: WebhookId,
    #[schema(example = "https://shop.example.com/hooks/shipgate")]
    pub url: String,
    pub description: Option<String>,
    /// The event types sent to this endpoint; `null` means all of them,
    /// including types added later. `webhook.ping` is always sent by `/test`.
    pub event_types: Option<Vec<EventType>>,
    pub enabled: bool,
    /// Set while the endpoint is disabled.
    pub disabled: Option<Disabled>,
    /// Start of the current run of failed deliveries; `null` when the last one succeeded.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the previous secret still signs deliveries, after a rotation.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Disabled {
    pub reason: DisabledReason,
    pub at: DateTime<Utc>,
    /// What the last failure was, in words.
    #[schema(example = "every delivery failed since 2025-11-20T10:00:00Z; last: HTTP 503")]
    pub detail: Option<String>,
}

/// Where one event stands with one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (or for the endpoint to be enabled again).
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every scheduled attempt failed; replay it once the endpoint is fixed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl FromStr for DeliveryStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(DeliveryStatus::Pending),
            "succeeded" => Ok(DeliveryStatus::Succeeded),
            "failed" => Ok(DeliveryStatus::Failed),
            other => Err(format!("unknown delivery status `{other}`")),
        }
    }
}

/// One event sent (or to be sent) to one endpoint, with its last attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: EventId,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    /// Attempts made so far (the last one's number).
    pub attempts: u32,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// HTTP status of the last answer; `null` when there was none (connection error, timeout).
    pub response_status: Option<u16>,
    /// Duration of the last attempt in milliseconds.
    pub latency_ms: Option<u64>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// The delivery this one replays, for manual replays.
    pub replay_of: Option<DeliveryId>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// One HTTP request made for a delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    /// 1 for the first attempt.
    pub attempt: u32,
    pub started_at: DateTime<Utc>,
    pub succeeded: bool,
    pub response_status: Option<u16>,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
    /// The start of the answer's body (at most 64 KiB are read).
    pub response_body: Option<String>,
    /// Whether the answer was longer than what was kept.
    pub response_truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_names_round_trip_through_text_and_json() {
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>().unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(t.as_str()));
            assert_eq!(serde_json::from_value::<EventType>(serde_json::json!(t.as_str())).unwrap(), t);
        }
        assert!("shipment.exploded".parse::<EventType>().is_err());
        assert!(serde_json::from_value::<EventType>(serde_json::json!("SHIPMENT.CREATED")).is_err());
    }

    #[test]
    fn statuses_and_reasons_round_trip() {
        for s in [DeliveryStatus::Pending, DeliveryStatus::Succeeded, DeliveryStatus::Failed] {
            assert_eq!(s.as_str().parse::<DeliveryStatus>().unwrap(), s);
        }
        for r in [DisabledReason::Manual, DisabledReason::Gone, DisabledReason::Failing] {
            assert_eq!(r.as_str().parse::<DisabledReason>().unwrap(), r);
        }
    }
}
