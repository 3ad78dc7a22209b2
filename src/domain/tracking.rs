//! The one tracking language of every carrier: a normalized status, events
//! that keep the carrier's raw code and text beside it, and the facts around
//! a parcel (proof of delivery, courier, cash on delivery, legs).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::location::Location;
use super::{CarrierKind, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackingStatus {
    PreTransit,
    PickedUp,
    InTransit,
    OutForDelivery,
    AvailableForPickup,
    DeliveryFailed,
    Delivered,
    OnHold,
    Returning,
    Returned,
    Cancelled,
    Unknown,
}

impl TrackingStatus {
    pub const ALL: [TrackingStatus; 12] = [
        TrackingStatus::PreTransit,
        TrackingStatus::PickedUp,
        TrackingStatus::InTransit,
        TrackingStatus::OutForDelivery,
        TrackingStatus::AvailableForPickup,
        TrackingStatus::DeliveryFailed,
        TrackingStatus::Delivered,
        TrackingStatus::OnHold,
        TrackingStatus::Returning,
        TrackingStatus::Returned,
        TrackingStatus::Cancelled,
        TrackingStatus::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackingStatus::PreTransit => "pre_transit",
            TrackingStatus::PickedUp => "picked_up",
            TrackingStatus::InTransit => "in_transit",
            TrackingStatus::OutForDelivery => "out_for_delivery",
            TrackingStatus::AvailableForPickup => "available_for_pickup",
            TrackingStatus::DeliveryFailed => "delivery_failed",
            TrackingStatus::Delivered => "delivered",
            TrackingStatus::OnHold => "on_hold",
            TrackingStatus::Returning => "returning",
            TrackingStatus::Returned => "returned",
            TrackingStatus::Cancelled => "cancelled",
            TrackingStatus::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<TrackingStatus> {
        TrackingStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Nothing more will happen to the parcel.
    pub fn is_terminal(self) -> bool {
        matches!(self, TrackingStatus::Delivered | TrackingStatus::Returned | TrackingStatus::Cancelled)
    }

    /// Something went wrong that the merchant should look at.
    pub fn is_exception(self) -> bool {
        matches!(self, TrackingStatus::DeliveryFailed | TrackingStatus::OnHold | TrackingStatus::Returning)
    }
}

/// Where an event happened, as precisely as the carrier says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventPlace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Free text (station, hub, wilaya name...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One carrier event, normalized, with the carrier's own words kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackingEvent {
    /// Carrier time, in UTC.
    pub occurred_at: DateTime<Utc>,
    pub status: TrackingStatus,
    /// The carrier's status code or key, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_code: Option<String>,
    /// The carrier's status text, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_text: Option<String>,
    /// Extra words (remark, reason of a failed attempt...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<EventPlace>,
    /// Which leg of a re-planned mission (Coursier.fr), 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg: Option<u32>,
}

impl TrackingEvent {
    /// Stable identity of one carrier event: the same event seen in two
    /// answers gives the same fingerprint, so history is deduplicated.
    pub fn fingerprint(&self, carrier: CarrierKind, tracking_number: &str) -> String {
        let mut hash = Sha256::new();
        for part in [
            carrier.as_str(),
            tracking_number,
            &self.occurred_at.timestamp().to_string(),
            self.raw_code.as_deref().unwrap_or(""),
            self.raw_text.as_deref().unwrap_or(""),
            &self.leg.map(|l| l.to_string()).unwrap_or_default(),
        ] {
            hash.update(part.as_bytes());
            hash.update([0u8]);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProofOfDelivery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// Signature image as the carrier gives it (data URL or link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Photo of the delivered parcel (data URL or link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// Link to the carrier's own proof-of-delivery page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Courier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Courier photo (data URL or link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// Cash on delivery: its own settlement, never a tracking status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CodSettlement {
    /// What to collect, when the carrier's tracking says it (else the booking's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub collected: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<DateTime<Utc>>,
    pub remitted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remitted_at: Option<DateTime<Utc>>,
}

/// When the carrier expects to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryWindow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
}

/// One run of a mission (Coursier.fr re-plans a mission after a failed load).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackingLeg {
    /// 1-based, in carrier order.
    pub index: u32,
    pub status: TrackingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
}

/// Everything a carrier said about one parcel in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingSnapshot {
    /// The number as the tracker knows it.
    pub tracking_number: String,
    pub status: TrackingStatus,
    /// The carrier's current status code and text.
    pub raw_status: Option<String>,
    pub raw_status_text: Option<String>,
    /// In any order; the store orders by carrier time and deduplicates.
    pub events: Vec<TrackingEvent>,
    pub estimated_delivery: Option<DeliveryWindow>,
    pub proof_of_delivery: Option<ProofOfDelivery>,
    pub courier: Option<Courier>,
    pub cash_on_delivery: Option<CodSettlement>,
    pub legs: Vec<TrackingLeg>,
    /// The relay point or stop desk the parcel waits at / was delivered to.
    pub relay_point: Option<Location>,
}

impl TrackingSnapshot {
    pub fn new(tracking_number: impl Into<String>, status: TrackingStatus) -> Self {
        TrackingSnapshot {
            tracking_number: tracking_number.into(),
            status,
            raw_status: None,
            raw_status_text: None,
            events: Vec::new(),
            estimated_delivery: None,
            proof_of_delivery: None,
            courier: None,
            cash_on_delivery: None,
            legs: Vec::new(),
            relay_point: None,
        }
    }
}

/// One row of a carrier's published status mapping.
#[derive(Debug, Clone, Copy)]
pub struct StatusMapping {
    /// The carrier's value, exactly as sent (accents included).
    pub raw: &'static str,
    pub status: TrackingStatus,
    /// What the carrier means by it, for the published table.
    pub meaning: &'static str,
}

/// Looks a raw value up in a mapping table; unknown values are `Unknown`
/// (the caller logs a warning), never an error.
pub fn map_status(table: &[StatusMapping], raw: &str) -> TrackingStatus {
    let raw = raw.trim();
    table
        .iter()
        .find(|m| m.raw == raw)
        .or_else(|| table.iter().find(|m| m.raw.eq_ignore_ascii_case(raw)))
        .map(|m| m.status)
        .unwrap_or(TrackingStatus::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for status in TrackingStatus::ALL {
            assert_eq!(TrackingStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }

    #[test]
    fn unknown_raw_values_map_to_unknown() {
        let table = [StatusMapping { raw: "livré", status: TrackingStatus::Delivered, meaning: "delivered" }];
        assert_eq!(map_status(&table, "livré"), TrackingStatus::Delivered);
        assert_eq!(map_status(&table, "LIVRÉ"), TrackingStatus::Unknown, "non-ASCII case differs");
        assert_eq!(map_status(&table, "teleported"), TrackingStatus::Unknown);
    }

    #[test]
    fn fingerprint_ignores_description_but_not_time_or_code() {
        let event = TrackingEvent {
            occurred_at: "2026-01-02T10:00:00Z".parse().unwrap(),
            status: TrackingStatus::InTransit,
            raw_code: Some("transit".into()),
            raw_text: Some("En transit".into()),
            description: None,
            place: None,
            leg: None,
        };
        let mut same = event.clone();
        same.description = Some("more words".into());
        assert_eq!(event.fingerprint(CarrierKind::Ecotrack, "X1"), same.fingerprint(CarrierKind::Ecotrack, "X1"));
        let mut later = event.clone();
        later.occurred_at = "2026-01-02T10:00:01Z".parse().unwrap();
        assert_ne!(event.fingerprint(CarrierKind::Ecotrack, "X1"), later.fingerprint(CarrierKind::Ecotrack, "X1"));
        assert_ne!(event.fingerprint(CarrierKind::Ecotrack, "X1"), event.fingerprint(CarrierKind::Ecotrack, "X2"));
    }
}
