//! Validation of an order body against its offer and quote, and the stored order.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::catalogue::crosses_customs_border;
use super::locations;
use super::quotes::number;
use super::store::{Offer, Order, Quote};
use crate::sandbox::core::fields::{Errors, flag, strict_decimal, text};
use crate::sandbox::core::scenario::Scenario;

fn valid_phone(phone: &str) -> bool {
    phone.len() >= 7 && phone.len() <= 16 && phone.starts_with('+') && phone[1..].chars().all(|c| c.is_ascii_digit())
}

fn contact(root: &Value, side: &str, errors: &mut Errors, street_required: bool) -> Map<String, Value> {
    let block = root.get(side);
    let field = |name: &str| text(block.and_then(|b| b.get(name)));
    let mut out = Map::new();
    for name in ["name", "company", "street", "state", "phone", "email"] {
        if let Some(v) = field(name) {
            out.insert(name.into(), json!(v));
        }
    }
    if field("name").is_none() {
        errors.add(format!("{side}.name"), "can't be blank");
    }
    if street_required && field("street").is_none() {
        errors.add(format!("{side}.street"), "can't be blank");
    }
    match field("phone") {
        None => errors.add(format!("{side}.phone"), "can't be blank"),
        Some(p) if !valid_phone(&p) => {
            errors.add(format!("{side}.phone"), "must be in international format without spaces, e.g. +33123456789")
        }
        Some(_) => {}
    }
    if let Some(email) = field("email").filter(|e| !e.contains('@')) {
        errors.add(format!("{side}.email"), format!("'{email}' is not a valid email address"));
    }
    out
}

fn read_flag(root: &Value, name: &str, errors: &mut Errors) -> Option<bool> {
    flag(root.get(name)).unwrap_or_else(|message| {
        errors.add(name, message);
        None
    })
}

fn parcel_items(root: &Value) -> Vec<Value> {
    match root.get("parcels") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => map.values().cloned().collect(),
        _ => vec![],
    }
}

fn valid_collection_date(value: &str) -> bool {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() || DateTime::parse_from_rfc3339(value).is_ok()
}

/// Builds the order to store, or the 422 details.
pub fn build_order(
    root: &Value,
    offer: &Offer,
    quote: &Quote,
    account: &str,
    now: DateTime<Utc>,
) -> Result<Order, Errors> {
    let mut errors = Errors::default();
    let product = offer.product;
    let location_code = text(root.get("recipient").and_then(|r| r.get("location_code")));
    let relay = product.preset_delivery_location;
    let mut shipper = contact(root, "shipper", &mut errors, true);
    let mut recipient = contact(root, "recipient", &mut errors, !relay);
    if quote.recipient_is_a_company && !recipient.contains_key("company") {
        errors.add("recipient.company", "is required when the quote's recipient is a company");
    }
    shipper.insert("city".into(), json!(quote.shipper.city));
    shipper.insert("postal_code".into(), json!(quote.shipper.postal_code));
    shipper.insert("country".into(), json!(quote.shipper.country));
    recipient.insert("is_a_company".into(), json!(quote.recipient_is_a_company.to_string()));
    recipient.insert("city".into(), json!(quote.recipient.city));
    recipient.insert("postal_code".into(), json!(quote.recipient.postal_code));
    recipient.insert("country".into(), json!(quote.recipient.country));
    if relay {
        match location_code.as_deref() {
            None => errors.add("recipient.location_code", "is required for a delivery to a relay point"),
            Some(code) => match locations::resolve(product, &quote.recipient.country, &quote.recipient.city, code) {
                None => {
                    errors.add("recipient.location_code", format!("'{code}' is not a valid location for this offer"))
                }
                Some(point) => {
                    // The relay's address replaces company, street, city and state.
                    recipient.insert("location_code".into(), json!(code));
                    recipient.insert("company".into(), point["company"].clone());
                    recipient.insert("street".into(), point["street"].clone());
                    recipient.insert("city".into(), point["city"].clone());
                    recipient.remove("state");
                }
            },
        }
    }

    let items = parcel_items(root);
    if items.len() != quote.parcels.len() {
        errors.add(
            "parcels",
            format!("must contain exactly {} parcel(s), in the same order as the quote", quote.parcels.len()),
        );
    }
    let customs = crosses_customs_border(&quote.shipper.country, &quote.recipient.country);
    let mut parcels = Vec::new();
    for (index, quoted) in quote.parcels.iter().enumerate() {
        let item = items.get(index).cloned().unwrap_or(Value::Null);
        let field = |name: &str| text(item.get(name));
        let mut parcel = json!({"weight": number(quoted.weight).to_string()});
        for (key, dim) in [("length", quoted.length), ("width", quoted.width), ("height", quoted.height)] {
            if let Some(d) = dim {
                parcel[key] = json!(d.to_string());
            }
        }
        match strict_decimal(item.get("value")) {
            Ok(Some(v)) => parcel["value"] = json!(format!("{}", v.round() as i64)),
            Ok(None) if customs => errors.add(format!("parcels.{index}.value"), "is required for customs"),
            Ok(None) => {}
            Err(message) => errors.add(format!("parcels.{index}.value"), message),
        }
        for name in ["currency", "description", "country_of_origin"] {
            match field(name) {
                Some(v) => parcel[name] = json!(v),
                None if customs => errors.add(format!("parcels.{index}.{name}"), "is required for customs"),
                None => {}
            }
        }
        for name in ["shipper_reference", "recipient_reference", "customer_reference"] {
            if let Some(v) = field(name) {
                parcel[name] = json!(v);
            }
        }
        parcels.push(parcel);
    }

    let delay_pickup_order = read_flag(root, "delay_pickup_order", &mut errors).unwrap_or(false);
    if delay_pickup_order && !product.support_delayed_pickup {
        errors.add("delay_pickup_order", format!("is not supported by product {}", product.code));
    }
    let mut collection_date = None;
    if product.pick_up {
        let requested = text(root.get("shipper").and_then(|s| s.get("collection_date")))
            .or_else(|| text(root.get("collection_date")));
        match requested {
            Some(date) if valid_collection_date(&date) => collection_date = Some(date),
            Some(date) => errors.add("shipper.collection_date", format!("'{date}' is not an ISO 8601 date")),
            None => collection_date = offer.collection_dates.first().map(|d| d.date.to_string()),
        }
    }
    let mut extras = Map::new();
    for name in
        ["thermal_labels", "insure_shipment", "inform_shipper_about_insurance", "inform_recipient_about_insurance"]
    {
        if let Some(v) = read_flag(root, name, &mut errors) {
            extras.insert(name.into(), json!(v));
        }
    }
    for name in ["ecommerce_order_platform", "ecommerce_order_identifier", "ecommerce_order_reference"] {
        if let Some(v) = text(root.get(name)) {
            extras.insert(name.into(), json!(v));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let references = parcels
        .iter()
        .filter_map(|p| p.get("shipper_reference").and_then(Value::as_str))
        .chain(extras.get("ecommerce_order_reference").and_then(Value::as_str));
    let scenario = Scenario::from_references(references.collect::<Vec<_>>())
        .filter(|s| super::lifecycle::SUPPORTED.contains(s))
        .unwrap_or_default();
    Ok(Order {
        id: Uuid::new_v4(),
        account: account.to_owned(),
        created_at: now,
        offer_id: offer.id,
        quote_id: quote.id,
        shipper: Value::Object(shipper),
        recipient: Value::Object(recipient),
        parcels,
        extras,
        delay_pickup_order,
        collection_date,
        scenario,
        journey_start: (!delay_pickup_order).then_some(now),
        cancelled_at: None,
        pickup_id: None,
    })
}
