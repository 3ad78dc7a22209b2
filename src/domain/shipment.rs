//! Shipments: what to ship (addresses, parcels, options) and the booking
//! state machine's states.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::address::{Address, AddressUse};
use super::customs::crosses_customs_border;
use super::money::Money;
use super::offer::DeliveryType;
use super::parcel::{Parcel, check_parcels};
use super::quote::check_amount;
use super::violation::{Violation, Violations};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// Recorded before calling the carrier; the call runs or its answer was lost.
    Booking,
    Booked,
    /// Handed over by a dispatch step (Ecotrack "valid").
    Dispatched,
    Cancelled,
    /// Not booked: the carrier refused it or it never reached the carrier.
    Failed,
    /// The carrier may or may not have the order and shipgate cannot find out
    /// by itself (My Flying Box has no search by reference).
    NeedsAttention,
}

impl ShipmentStatus {
    pub const ALL: [ShipmentStatus; 6] = [
        ShipmentStatus::Booking,
        ShipmentStatus::Booked,
        ShipmentStatus::Dispatched,
        ShipmentStatus::Cancelled,
        ShipmentStatus::Failed,
        ShipmentStatus::NeedsAttention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentStatus::Booking => "booking",
            ShipmentStatus::Booked => "booked",
            ShipmentStatus::Dispatched => "dispatched",
            ShipmentStatus::Cancelled => "cancelled",
            ShipmentStatus::Failed => "failed",
            ShipmentStatus::NeedsAttention => "needs_attention",
        }
    }

    /// The carrier holds a live order.
    pub fn is_live(self) -> bool {
        matches!(self, ShipmentStatus::Booked | ShipmentStatus::Dispatched)
    }
}

impl fmt::Display for ShipmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ShipmentStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        ShipmentStatus::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            format!(
                "unknown shipment status `{}` (expected one of booking, booked, dispatched, cancelled, failed, needs_attention)",
                s.chars().take(40).collect::<String>()
            )
        })
    }
}

/// Which service to book: a code the carrier knows, or the best of its offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceChoice {
    Code(String),
    Cheapest,
    Fastest,
}

impl ServiceChoice {
    pub fn parse(text: &str) -> ServiceChoice {
        match text {
            "cheapest" => ServiceChoice::Cheapest,
            "fastest" => ServiceChoice::Fastest,
            code => ServiceChoice::Code(code.to_owned()),
        }
    }
}

/// Changes a carrier may accept on a booked shipment (`PATCH`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"recipient": {"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Alger Centre", "state": "16", "country": "DZ", "phone": "0550123456"}, "cash_on_delivery": {"amount": "3500.00", "currency": "DZD"}}))]
pub struct ShipmentChanges {
    /// The new recipient (replaces the whole address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_on_delivery: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

impl ShipmentChanges {
    pub fn is_empty(&self) -> bool {
        self.recipient.is_none() && self.cash_on_delivery.is_none() && self.instructions.is_none()
    }

    pub fn check(&self) -> Result<(), Vec<Violation>> {
        let mut v = Violations::default();
        if self.is_empty() {
            v.add("body", "give at least one of recipient, cash_on_delivery, instructions");
        }
        if let Some(r) = &self.recipient {
            r.check("recipient", AddressUse::Booking, &mut v);
        }
        if let Some(m) = &self.cash_on_delivery
            && m.amount.is_sign_negative()
        {
            v.add("cash_on_delivery.amount", "must not be negative");
        }
        v.text("instructions", &self.instructions, 255);
        v.into_result(())
    }
}

/// Where the parcel goes: the recipient's door, or a relay point / stop desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    #[serde(rename = "type")]
    pub kind: DeliveryType,
    /// The relay point or stop desk (`id` of a location), for relay delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery { kind: DeliveryType::Home, location_id: None }
    }
}

/// Options of a booking; each carrier uses those it supports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingOptions {
    #[serde(default)]
    pub delivery: Delivery,
    /// Insure ad valorem on the declared value (My Flying Box).
    #[serde(default)]
    pub insurance: bool,
    /// Value to insure; required with `insurance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<Money>,
    /// Cash for the carrier to collect from the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_on_delivery: Option<Money>,
    /// Ask for labels for thermal printers where the service has them.
    #[serde(default)]
    pub thermal_labels: bool,
    /// Requested collection date (`2024-05-14`) or time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_date: Option<String>,
    /// For the courier collecting the parcel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_instructions: Option<String>,
    /// Book now and order the pickup later with `POST /v1/pickups`.
    #[serde(default)]
    pub delayed_pickup: bool,
    #[serde(default)]
    pub fragile: bool,
    /// Notes for the carrier about the delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// Everything about what to ship, checked once and stored with the shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentSpec {
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<Parcel>,
    /// The merchant's own order reference.
    pub reference: Option<String>,
    pub options: BookingOptions,
}

/// A collection date or datetime in ISO 8601, as carriers take it.
pub fn valid_collection_date(text: &str) -> bool {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() || DateTime::parse_from_rfc3339(text).is_ok()
}

impl ShipmentSpec {
    pub fn crosses_customs_border(&self) -> bool {
        crosses_customs_border(self.shipper.country, self.recipient.country)
    }

    pub fn check(&self) -> Result<(), Vec<Violation>> {
        let mut v = Violations::default();
        let relay = self.options.delivery.kind == DeliveryType::Relay;
        self.shipper.check("shipper", AddressUse::Booking, &mut v);
        let recipient_use = if relay { AddressUse::RelayBooking } else { AddressUse::Booking };
        self.recipient.check("recipient", recipient_use, &mut v);
        check_parcels(&self.parcels, &mut v);
        v.text("reference", &self.reference, 100);
        let o = &self.options;
        match (&o.delivery.kind, &o.delivery.location_id) {
            (DeliveryType::Relay, None) => v.add(
                "options.delivery.location_id",
                "is required for relay delivery (see the offer's delivery-locations)",
            ),
            (DeliveryType::Home, Some(_)) => v.add("options.delivery.location_id", "is only for relay delivery"),
            (_, Some(id)) => v.required_text("options.delivery.location_id", id, 100),
            _ => {}
        }
        check_amount("options.cash_on_delivery", o.cash_on_delivery.as_ref(), &mut v);
        check_amount("options.declared_value", o.declared_value.as_ref(), &mut v);
        if o.insurance && o.declared_value.is_none() {
            v.add("options.declared_value", "is required when insurance is on");
        }
        if let Some(date) = &o.collection_date
            && !valid_collection_date(date)
        {
            v.add("options.collection_date", "must be a date (2024-05-14) or an RFC 3339 time");
        }
        v.text("options.collection_instructions", &o.collection_instructions, 255);
        v.text("options.instructions", &o.instructions, 255);
        if self.crosses_customs_border() {
            for (i, p) in self.parcels.iter().enumerate() {
                if p.customs.is_none() {
                    v.add(
                        format!("parcels[{i}].customs"),
                        format!(
                            "is required: {} to {} crosses a customs border (give value, description and country_of_origin)",
                            self.shipper.country, self.recipient.country
                        ),
                    );
                }
            }
        }
        v.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(to: &str, customs: bool) -> ShipmentSpec {
        let contact = |country: &str| {
            serde_json::from_value(json!({"name": "A", "street": "1 rue", "city": "X", "postal_code": "1", "country": country, "phone": "+331"})).unwrap()
        };
        let mut parcel = json!({"weight": 1, "length": 10, "width": 10, "height": 10});
        if customs {
            parcel["customs"] = json!({"value": {"amount": "10.00", "currency": "EUR"}, "description": "Books", "country_of_origin": "FR"});
        }
        ShipmentSpec {
            shipper: contact("FR"),
            recipient: contact(to),
            parcels: vec![serde_json::from_value(parcel).unwrap()],
            reference: None,
            options: BookingOptions::default(),
        }
    }

    #[test]
    fn customs_required_across_a_border() {
        assert!(spec("DE", false).check().is_ok());
        let errors = spec("GB", false).check().unwrap_err();
        assert_eq!(errors[0].field, "parcels[0].customs");
        assert!(spec("GB", true).check().is_ok());
    }

    #[test]
    fn statuses_round_trip() {
        for s in ShipmentStatus::ALL {
            assert_eq!(s.as_str().parse::<ShipmentStatus>().unwrap(), s);
        }
        assert!("shipped".parse::<ShipmentStatus>().is_err());
    }
}
