//! e-Courier wire types to and from the domain.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::dates::{self, UsZone};
use super::settings::Settings;
use super::wire_order::{
    JsonOrder, OrderOut, OrderStopPiece, OrderStopPieces, Piece, Pieces, QuotedOrder, Stop, Stops,
};
use crate::carriers::CarrierError;
use crate::carriers::shipping::{Booked, CarrierOffer};
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::money::Money;
use crate::domain::offer::{DeliveryEstimate, DeliveryType, PriceBreakdown, Service};
use crate::domain::shipment::ShipmentSpec;

const KIND: CarrierKind = CarrierKind::Ecourier;
/// e-Courier prices on-demand work: a quote is good for an hour.
pub const QUOTE_LIFETIME_MINUTES: i64 = 60;
/// A collection date without a time asks for the morning.
const DEFAULT_READY_HOUR: u32 = 9;

/// "$1,040.00", "40.00", "40" → 1040.00; anything else is unreadable.
pub fn parse_amount(text: &str) -> Result<Decimal, CarrierError> {
    let cleaned: String = text.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    let valid = !cleaned.is_empty() && cleaned.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    valid
        .then(|| cleaned.parse::<Decimal>().ok())
        .flatten()
        .ok_or_else(|| CarrierError::bad_response(KIND, format!("`{text}` is not an amount")))
}

fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// e-Courier is a US system: its document writes the country as "USA".
fn country(a: &Address) -> String {
    match a.country.as_str() {
        "US" => "USA".to_owned(),
        other => other.to_owned(),
    }
}

fn one_line(street: Option<&str>) -> String {
    street.unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ")
}

fn stop(sequence: usize, kind: &'static str, a: &Address, pieces: usize) -> Stop {
    Stop {
        sequence: sequence.to_string(),
        stop_type: kind,
        name: a.company.clone().filter(|_| a.name.is_none()).or_else(|| a.name.clone()).unwrap_or_default(),
        address: one_line(a.street.as_deref()),
        city: a.city.clone().unwrap_or_default(),
        state: a.state.clone(),
        zip: a.postal_code.clone(),
        country: country(a),
        phone: a.compact_phone(),
        order_stop_pieces: OrderStopPieces {
            order_stop_piece: (1..=pieces)
                .map(|i| OrderStopPiece { piece_action: kind, sequence: i.to_string() })
                .collect(),
        },
        ..Stop::default()
    }
}

/// When the pickup is wanted: a date (morning) or a time, in the account's zone.
fn ready_at(collection_date: Option<&str>, zone: UsZone) -> Option<DateTime<Utc>> {
    let text = collection_date?;
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(zone.to_utc(date.and_hms_opt(DEFAULT_READY_HOUR, 0, 0)?))
}

/// The Order element of SaveOrder / QuoteOrder for a shipment.
pub fn order_out(spec: &ShipmentSpec, service: &str, order_number: Option<&str>, settings: &Settings) -> OrderOut {
    let n = spec.parcels.len();
    let o = &spec.options;
    let mut pickup = stop(1, "P", &spec.shipper, n);
    if let Some(at) = ready_at(o.collection_date.as_deref(), settings.time_zone) {
        let (text, zone) = dates::format(at, settings.time_zone);
        pickup.scheduled_date_time = Some(text);
        pickup.scheduled_date_time_tz = Some(zone);
    }
    pickup.note = o.collection_instructions.clone();
    let mut delivery = stop(2, "D", &spec.recipient, n);
    delivery.note = o.instructions.clone();
    let weight: Decimal = spec.parcels.iter().map(|p| p.weight.kg()).sum();
    let pieces = spec
        .parcels
        .iter()
        .enumerate()
        .map(|(i, p)| Piece {
            sequence: (i + 1).to_string(),
            reference: p
                .shipper_reference
                .clone()
                .or_else(|| order_number.map(|n| format!("{n}-{}", i + 1)))
                .unwrap_or_else(|| format!("PIECE-{}", i + 1)),
            pieces: "1".into(),
            weight: decimal(p.weight.kg()),
            length: p.length.map(|v| v.to_string()),
            width: p.width.map(|v| v.to_string()),
            height: p.height.map(|v| v.to_string()),
            description: p.description.clone(),
        })
        .collect();
    OrderOut {
        order_number: order_number.map(str::to_owned),
        customer_code: settings.customer_code.clone(),
        service: Some(service.to_owned()),
        other_reference: spec.reference.clone(),
        notes: o.instructions.clone(),
        cod_amount: o.cash_on_delivery.as_ref().map(|m| decimal(m.amount)),
        declared_value: o.declared_value.as_ref().map(|m| decimal(m.amount)),
        weight: Some(decimal(weight)),
        pieces: Some(Pieces { piece: pieces }),
        stops: Some(Stops { stop: vec![pickup, delivery] }),
        ..OrderOut::default()
    }
}

pub fn service(code: &str) -> Service {
    Service { code: code.to_owned(), name: code.to_owned(), carrier_code: KIND.as_str().to_owned() }
}

/// A QuoteOrder answer for one service as an offer (a total price, no tax split).
pub fn quoted_offer(q: QuotedOrder, asked: &str, settings: &Settings) -> Result<CarrierOffer, CarrierError> {
    let amount = q
        .amount_charged
        .as_deref()
        .ok_or_else(|| CarrierError::bad_response(KIND, "quote without AmountCharged"))
        .and_then(parse_amount)?;
    let price = Money::new(amount, settings.currency);
    let zone = settings.time_zone;
    let window = match (
        q.ready_date_time.as_deref().and_then(|t| dates::parse(t, zone)),
        q.due_date_time.as_deref().and_then(|t| dates::parse(t, zone)),
    ) {
        (Some(from), Some(to)) if from <= to => Some(DeliveryEstimate::Window { from, to }),
        _ => None,
    };
    Ok(CarrierOffer {
        service: service(q.service.as_deref().filter(|s| !s.is_empty()).unwrap_or(asked)),
        price: PriceBreakdown { before_tax: price, tax: None, total: price },
        insurance: None,
        delivery_estimate: window,
        delivery_type: DeliveryType::Home,
        pickup: true,
        drop_off: false,
        delayed_pickup: false,
        cash_on_delivery: true,
        collection_dates: Vec::new(),
        expires_at: Utc::now() + Duration::minutes(QUOTE_LIFETIME_MINUTES),
        carrier_offer_id: None,
    })
}

/// An order read back with GetJsonOrder: the OrderNumber tracks every piece.
pub fn booked(
    order: JsonOrder,
    expected_number: &str,
    parcels: usize,
    settings: &Settings,
) -> Result<Booked, CarrierError> {
    let number = order.order_number.clone().unwrap_or_else(|| expected_number.to_owned());
    if number != expected_number {
        return Err(CarrierError::bad_response(KIND, format!("asked for order {expected_number}, got {number}")));
    }
    let price =
        order.amount_charged.as_deref().filter(|t| !t.trim().is_empty()).map(parse_amount).transpose()?.map(|a| {
            let m = Money::new(a, settings.currency);
            PriceBreakdown { before_tax: m, tax: None, total: m }
        });
    Ok(Booked {
        tracking_numbers: vec![Some(number.clone()); parcels],
        service: order.service.as_deref().map(service),
        price,
        insurance: None,
        details: serde_json::json!({
            "order_id": order.order_id,
            "order_status": order.order_status,
            "create_date": order.create_date,
        }),
        carrier_order_id: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_dollars() {
        assert_eq!(parse_amount("$40.00").unwrap(), Decimal::new(4000, 2));
        assert_eq!(parse_amount("$1,040.50").unwrap(), Decimal::new(104050, 2));
        assert_eq!(parse_amount("40").unwrap(), Decimal::from(40));
        assert!(parse_amount("forty").is_err());
        assert!(parse_amount("$").is_err());
    }
}
