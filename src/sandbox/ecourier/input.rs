//! Reading the `Order` element of SaveOrder / QuoteOrder. Keys may come with or
//! without the '@' attribute prefix; collections as one object or an array.

use serde_json::{Map, Value};

use super::dates::parse_us;
use super::xmlish::items;
use crate::sandbox::core::fields::text;

/// Services the sandbox customer system offers.
pub const SERVICES: [&str; 4] = ["Route", "Standard", "Rush", "Economy"];
const ZONES: [&str; 8] = ["EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"];
/// Fields set by e-Courier only; ignored when sent.
const SYSTEM_FIELDS: [&str; 6] = ["OrderID", "SiteID", "SiteCode", "TransferID", "CreateDate", "UserGUID"];

#[derive(Clone, Debug, Default)]
pub struct OrderInput {
    pub fields: Map<String, Value>,
    pub pieces: Vec<Value>,
    pub stops: Vec<Value>,
}

impl OrderInput {
    pub fn get(&self, name: &str) -> Option<String> {
        text(self.fields.get(name))
    }
}

fn strip_at(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.trim_start_matches('@').to_owned(), strip_at(v))).collect())
        }
        Value::Array(list) => Value::Array(list.iter().map(strip_at).collect()),
        other => other.clone(),
    }
}

/// Splits the Order element into scalars, pieces and stops.
pub fn read(body: &Value) -> Result<OrderInput, String> {
    let order = body.get("Order").map(strip_at).filter(Value::is_object).ok_or("Order element is required")?;
    let mut input = OrderInput::default();
    if let Value::Object(map) = &order {
        for (key, value) in map {
            if !value.is_object() && !value.is_array() && !SYSTEM_FIELDS.contains(&key.as_str()) {
                input.fields.insert(key.clone(), value.clone());
            }
        }
    }
    input.pieces = items(order.get("Pieces"), "Piece");
    input.stops = items(order.get("Stops"), "Stop");
    Ok(input)
}

fn stop_text(stop: &Value, name: &str) -> Option<String> {
    text(stop.get(name))
}

/// Checks what a new order (or a quote) needs; the message is the -4 description.
pub fn validate(input: &OrderInput) -> Result<(), String> {
    match input.get("Service") {
        None => return Err("Service is required".into()),
        Some(s) if !SERVICES.contains(&s.as_str()) => {
            return Err(format!("Service '{s}' is not available for this customer"));
        }
        Some(_) => {}
    }
    let types: Vec<String> = input.stops.iter().map(|s| stop_text(s, "StopType").unwrap_or_default()).collect();
    let has = |t: &str| types.iter().any(|x| x == t || x == "B");
    if !has("P") || !has("D") {
        return Err("Order requires a pickup stop (StopType P) and a destination stop (StopType D)".into());
    }
    for (index, stop) in input.stops.iter().enumerate() {
        let label = stop_text(stop, "Sequence").unwrap_or_else(|| (index + 1).to_string());
        for required in ["Address", "City"] {
            if stop_text(stop, required).is_none() {
                return Err(format!("Stop {label}: {required} is required"));
            }
        }
        if let Some(when) = stop_text(stop, "ScheduledDateTime").filter(|w| parse_us(w).is_none()) {
            return Err(format!("Stop {label}: ScheduledDateTime '{when}' is not a valid date"));
        }
        if let Some(zone) = stop_text(stop, "ScheduledDateTimeTZ").filter(|z| !ZONES.contains(&z.as_str())) {
            return Err(format!("Stop {label}: ScheduledDateTimeTZ '{zone}' is not a valid time zone"));
        }
    }
    if let Some(cod) = input.get("CodAmount").filter(|c| c.parse::<f64>().is_err()) {
        return Err(format!("CodAmount '{cod}' is not a number"));
    }
    Ok(())
}

fn quantity(piece: &Value) -> i64 {
    text(piece.get("Pieces"))
        .and_then(|p| p.parse::<f64>().ok())
        // Clamped so that absurd quantities cannot overflow the price.
        .map(|p| p.clamp(1.0, 10_000.0) as i64)
        .unwrap_or(1)
}

/// Price rule: service base + $10 per piece + $5 per stop beyond two.
pub fn amount_cents(input: &OrderInput) -> i64 {
    let base = match input.get("Service").as_deref() {
        Some("Rush") => 5500,
        Some("Standard") => 3500,
        Some("Economy") => 2500,
        _ => 3000,
    };
    let pieces: i64 = if input.pieces.is_empty() { 1 } else { input.pieces.iter().map(quantity).sum() };
    let extra_stops = (input.stops.len() as i64 - 2).max(0);
    base + 1000 * pieces + 500 * extra_stops
}

pub fn stop_of_type<'a>(stops: &'a [Value], kind: &str) -> Option<&'a Value> {
    stops.iter().find(|s| text(s.get("StopType")).as_deref() == Some(kind))
}
