//! The journey of an MFB order on the sandbox clock: scenario timelines,
//! visible tracking events and the derived order state.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::store::Order;
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::core::tz::paris_iso;

/// Scenarios an MFB order can follow.
pub const SUPPORTED: [Scenario; 7] = [
    Scenario::Delivered,
    Scenario::FailedAttempt,
    Scenario::Returned,
    Scenario::RelayPickup,
    Scenario::Exception,
    Scenario::Lost,
    Scenario::Cancelled,
];

/// A `cancelled` scenario order is cancelled by the carrier this long after creation.
const AUTO_CANCEL_MINUTES: i64 = 60;

#[derive(Clone, Copy)]
enum Place {
    Shipper,
    DepartureHub,
    ArrivalHub,
    Recipient,
}

struct Step {
    minutes: i64,
    code: &'static str,
    /// English text of `unknown` events (they carry no French label).
    unknown_text: &'static str,
    place: Option<Place>,
    not_available: bool,
}

const fn step(minutes: i64, code: &'static str, place: Option<Place>) -> Step {
    Step { minutes, code, unknown_text: "", place, not_available: false }
}

const fn missed(minutes: i64) -> Step {
    Step { minutes, code: "delivery_exception", unknown_text: "", place: Some(Place::Recipient), not_available: true }
}

const fn unknown(minutes: i64, text: &'static str, place: Option<Place>) -> Step {
    Step { minutes, code: "unknown", unknown_text: text, place, not_available: false }
}

const RETURNED_TEXT: &str = "Returned to shipper";

fn first_leg() -> Vec<Step> {
    vec![
        step(120, "picked_up", Some(Place::Shipper)),
        step(240, "at_departure_hub", Some(Place::DepartureHub)),
        step(360, "departed_from_facility", Some(Place::DepartureHub)),
        step(900, "in_transit", None),
        step(1200, "at_arrival_hub", Some(Place::ArrivalHub)),
    ]
}

/// Steps after `shipment_created`, in minutes from the start of the journey.
fn journey(scenario: Scenario) -> Vec<Step> {
    let mut steps = first_leg();
    let out_for_delivery = |m| step(m, "delivery_in_progress", Some(Place::Recipient));
    let tail: Vec<Step> = match scenario {
        Scenario::Delivered | Scenario::Cod | Scenario::FailedLoad => {
            vec![out_for_delivery(1680), step(1860, "delivered", Some(Place::Recipient))]
        }
        Scenario::FailedAttempt => vec![
            out_for_delivery(1680),
            missed(1800),
            out_for_delivery(3120),
            step(3300, "delivered", Some(Place::Recipient)),
        ],
        Scenario::Returned => vec![
            out_for_delivery(1680),
            missed(1800),
            out_for_delivery(3120),
            missed(3240),
            unknown(4600, "Return to sender initiated", Some(Place::ArrivalHub)),
            step(7000, "in_transit", None),
            unknown(8500, RETURNED_TEXT, Some(Place::Shipper)),
        ],
        Scenario::RelayPickup => vec![
            out_for_delivery(1680),
            unknown(1800, "Delivered to the relay point, awaiting collection by the recipient", Some(Place::Recipient)),
            step(4400, "delivered", Some(Place::Recipient)),
        ],
        Scenario::Exception => vec![step(1500, "delivery_exception", Some(Place::ArrivalHub))],
        Scenario::Lost => {
            steps.truncate(4);
            vec![unknown(4320, "Shipment cannot be located", None)]
        }
        Scenario::Cancelled => {
            steps.clear();
            vec![]
        }
    };
    steps.extend(tail);
    steps
}

fn label(code: &str) -> (&'static str, &'static str) {
    match code {
        "shipment_created" => ("Expédition créée", "Shipment created"),
        "picked_up" => ("Paquet enlevé", "Package picked up"),
        "departed_from_facility" => ("Parti de la plateforme", "Departed from facility"),
        "arrived_at_facility" => ("Arrivé à la plateforme", "Arrived at hub"),
        "at_departure_hub" => ("À la plateforme de départ", "At departure hub"),
        "in_transit" => ("En transit", "In transit"),
        "at_arrival_hub" => ("À la plateforme d'arrivée", "At arrival hub"),
        "delivery_in_progress" => ("Livraison en cours", "Delivery in progress"),
        "delivery_exception" => ("Problème de livraison", "Delivery exception"),
        "delivered" => ("Livré", "Delivered"),
        _ => ("", ""),
    }
}

fn hub(country: &str, departure: bool) -> Value {
    match (country, departure) {
        ("FR", true) => {
            json!({"city": "ROISSY CHARLES DE GAULLE CEDEX", "postal_code": "95702", "country": "FR"})
        }
        ("FR", false) => {
            json!({"city": "CHILLY MAZARIN CEDEX", "postal_code": "91385", "country": "FR"})
        }
        ("GB", _) => {
            json!({"city": "STANSTED", "state": "ES", "postal_code": "CM24", "country": "GB"})
        }
        (other, _) => json!({"name": format!("{other} gateway"), "country": other}),
    }
}

fn address_location(block: &Value) -> Value {
    let mut location = serde_json::Map::new();
    for key in ["city", "postal_code", "country"] {
        if let Some(v) = block.get(key).and_then(Value::as_str).filter(|v| !v.is_empty()) {
            location.insert(key.into(), json!(v.to_uppercase()));
        }
    }
    Value::Object(location)
}

fn event_json(at: DateTime<Utc>, step: &Step, order: &Order) -> Value {
    let label_value = if step.code == "unknown" {
        json!({"en": step.unknown_text})
    } else {
        let (fr, en) = label(step.code);
        json!({"fr": fr, "en": en})
    };
    let mut event = json!({
        "code": step.code,
        "happened_at": paris_iso(at),
        "label": label_value,
    });
    let country = |block: &Value| block.get("country").and_then(Value::as_str).unwrap_or("").to_owned();
    let location = step.place.map(|place| match place {
        Place::Shipper => address_location(&order.shipper),
        Place::Recipient => address_location(&order.recipient),
        Place::DepartureHub => hub(&country(&order.shipper), true),
        Place::ArrivalHub => hub(&country(&order.recipient), false),
    });
    if let Some(location) = location {
        event["location"] = location;
    }
    if step.not_available {
        event["details"] = json!({
            "code": "not_available_or_closed",
            "label": {
                "fr": "Client non disponible ou entreprise fermée",
                "en": "Customer not available or business closed",
            },
        });
    }
    event
}

/// When the order stopped being valid, if it did (explicitly or by scenario).
pub fn cancelled_at(order: &Order, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let automatic = (order.scenario == Scenario::Cancelled)
        .then(|| order.created_at + Duration::minutes(AUTO_CANCEL_MINUTES))
        .filter(|at| *at <= now);
    match (order.cancelled_at, automatic) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The events of one parcel whose time has come, oldest first.
pub fn visible_events(order: &Order, now: DateTime<Utc>) -> Vec<Value> {
    let created = step(0, "shipment_created", None);
    let mut events = vec![{
        let mut e = event_json(order.created_at, &created, order);
        e["location"] = json!({"name": "Web service"});
        e
    }];
    let stop = cancelled_at(order, now);
    if let (Some(start), None) = (order.journey_start, stop) {
        for s in journey(order.scenario) {
            let at = start + Duration::minutes(s.minutes);
            if at <= now {
                events.push(event_json(at, &s, order));
            }
        }
    }
    events
}

/// created | shipped | delivered | returned | cancelled.
pub fn order_state(order: &Order, now: DateTime<Utc>) -> &'static str {
    if cancelled_at(order, now).is_some() {
        return "cancelled";
    }
    let events = visible_events(order, now);
    let has = |code: &str| events.iter().any(|e| e["code"] == code);
    if has("delivered") {
        "delivered"
    } else if events.iter().any(|e| e["label"]["en"] == RETURNED_TEXT) {
        "returned"
    } else if has("picked_up") {
        "shipped"
    } else {
        "created"
    }
}
