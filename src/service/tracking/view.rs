//! The tracker as the API (and webhooks) show it: built in one place.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, ShipmentId, TrackerId};
use crate::domain::location::Location;
use crate::domain::tracking::{
    CodSettlement, Courier, DeliveryWindow, EventPlace, ProofOfDelivery, TrackingEvent, TrackingLeg, TrackingStatus,
};
use crate::error::ApiError;
use crate::store::trackers::TrackerRow;
use crate::store::tracking_events::EventRow;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tracker {
    pub id: TrackerId,
    pub carrier: CarrierKind,
    pub carrier_account: CarrierAccountId,
    pub tracking_number: String,
    /// The shipment booked through shipgate, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_id: Option<ShipmentId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// `api`, `shipment` (created by a booking) or `discovery`.
    pub origin: String,
    /// The parcel's public tracking page, for the recipient (no API key
    /// needed); absent once revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// `unknown` until the first check.
    pub status: TrackingStatus,
    /// The carrier's current status code and text, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_status_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<DeliveryWindow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_of_delivery: Option<ProofOfDelivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub courier: Option<Courier>,
    /// Cash on delivery: its own settlement, not a tracking status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_on_delivery: Option<CodSettlement>,
    /// Runs of a mission re-planned after a failed load (Coursier.fr).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<TrackingLeg>,
    /// The relay point or stop desk involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_point: Option<Location>,
    /// History, oldest first by carrier time (with `GET /v1/trackers/{id}` and in webhooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<TrackingEvent>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_checked_at: Option<DateTime<Utc>>,
    /// When the next check is planned; absent once tracking stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check_at: Option<DateTime<Utc>>,
    /// Since when the carrier does not know this number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_found_since: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn parse<T: serde::de::DeserializeOwned>(value: Option<serde_json::Value>) -> Result<Option<T>, ApiError> {
    value.map(serde_json::from_value).transpose().map_err(ApiError::internal)
}

pub fn event_of(row: EventRow) -> Result<TrackingEvent, ApiError> {
    Ok(TrackingEvent {
        occurred_at: row.occurred_at,
        status: TrackingStatus::parse(&row.status).unwrap_or(TrackingStatus::Unknown),
        raw_code: row.raw_code,
        raw_text: row.raw_text,
        description: row.description,
        place: parse::<EventPlace>(row.place)?,
        leg: row.leg.map(|l| l as u32),
    })
}

/// The tracker; `events` given for a full view, `None` in lists. Public
/// links are built on `public_base` (the configured external URL).
pub fn view(row: TrackerRow, events: Option<Vec<EventRow>>, public_base: &str) -> Result<Tracker, ApiError> {
    let public_url = row.public_token.as_ref().map(|t| format!("{}/t/{t}", public_base.trim_end_matches('/')));
    Ok(Tracker {
        public_url,
        id: row.id.into(),
        carrier: row.carrier.parse().map_err(ApiError::internal)?,
        carrier_account: row.carrier_account_id.into(),
        tracking_number: row.tracking_number,
        shipment_id: row.shipment_id.map(ShipmentId::from),
        reference: row.reference,
        origin: row.origin,
        status: TrackingStatus::parse(&row.status).unwrap_or(TrackingStatus::Unknown),
        raw_status: row.raw_status,
        raw_status_text: row.raw_status_text,
        estimated_delivery: parse(row.estimated_delivery)?,
        proof_of_delivery: parse(row.proof_of_delivery)?,
        courier: parse(row.courier)?,
        cash_on_delivery: parse(row.cash_on_delivery)?,
        legs: serde_json::from_value(row.legs).map_err(ApiError::internal)?,
        relay_point: parse(row.relay_point)?,
        events: events.map(|rows| rows.into_iter().map(event_of).collect()).transpose()?,
        last_checked_at: row.last_checked_at,
        next_check_at: row.next_check_at,
        not_found_since: row.not_found_since,
        last_error: row.last_error,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
