//! Ecotrack wire types to and from the domain. Addresses map with country
//! `DZ`, `state` = wilaya code (1–58), `city` = commune (checked against the
//! cached reference data and sent with its official spelling).

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use super::reference::{commune_names, find_commune, find_desk, wilaya_of};
use super::wire_orders::{ListedOrder, Note, OrderFields};
use super::wire_reference::{Commune, Fee};
use crate::carriers::CarrierError;
use crate::carriers::error::CarrierSaid;
use crate::carriers::shipping::{Booked, CarrierNote, CarrierOffer};
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::money::{Currency, Money};
use crate::domain::offer::{DeliveryType, PriceBreakdown, Service};
use crate::domain::shipment::{ServiceChoice, ShipmentSpec};
use crate::error::FieldError;

const KIND: CarrierKind = CarrierKind::Ecotrack;
pub const HOME: &str = "home";
pub const STOP_DESK: &str = "stop_desk";
/// Fees are a tariff, not a one-off price: an offer stays good for a day.
const OFFER_LIFETIME_HOURS: i64 = 24;
const MAX_REFERENCE: usize = 100;

pub fn rejected(message: &str, fields: Vec<FieldError>) -> CarrierError {
    let said = CarrierSaid { code: Some("invalid_address".into()), message: Some(message.into()), http_status: None };
    CarrierError::Rejected { carrier: KIND, said, fields }
}

fn field(name: &str, message: impl Into<String>) -> Vec<FieldError> {
    vec![FieldError::new(name, message)]
}

/// Algerian numbers as Ecotrack takes them: 9 or 10 local digits (`0550…`).
pub fn local_phone(a: &Address) -> Option<String> {
    let digits: String = a.compact_phone()?.chars().filter(char::is_ascii_digit).collect();
    let national = digits.strip_prefix("00213").or_else(|| digits.strip_prefix("213")).map(|rest| format!("0{rest}"));
    Some(national.unwrap_or(digits))
}

/// Ours first (found again by prefix), then the merchant's (readable by people).
pub fn reference(carrier_reference: &str, merchant: Option<&str>) -> String {
    let mut text = match merchant {
        Some(m) => format!("{carrier_reference}-{m}"),
        None => carrier_reference.to_owned(),
    };
    while text.len() > MAX_REFERENCE {
        text.pop();
    }
    text
}

pub fn wants_desk(spec: &ShipmentSpec, service: &ServiceChoice) -> Result<bool, CarrierError> {
    let relay = spec.options.delivery.kind == DeliveryType::Relay;
    match service {
        ServiceChoice::Code(code) if code == STOP_DESK => Ok(true),
        ServiceChoice::Code(code) if code == HOME && relay => Err(rejected(
            "service `home` delivers to the door",
            field("options.delivery.type", "use service `stop_desk` for a stop-desk delivery"),
        )),
        ServiceChoice::Code(code) if code == HOME => Ok(false),
        ServiceChoice::Code(code) => Err(rejected(
            "unknown Ecotrack service",
            field("service", format!("`{code}` is not an Ecotrack service (home, stop_desk)")),
        )),
        _ => Ok(relay),
    }
}

/// Where the parcel goes: the commune of the stop desk, or of the recipient.
fn destination<'a>(
    spec: &ShipmentSpec,
    desk: bool,
    communes: &'a [Commune],
) -> Result<(u8, &'a Commune), CarrierError> {
    let r = &spec.recipient;
    if r.country.as_str() != "DZ" {
        return Err(rejected("Ecotrack delivers within Algeria", field("recipient.country", "must be DZ")));
    }
    let wilaya = wilaya_of(r.state.as_deref()).ok_or_else(|| {
        rejected("wilaya missing", field("recipient.state", "must be the wilaya code, 1 to 58 (e.g. \"16\" for Alger)"))
    })?;
    if desk && let Some(id) = spec.options.delivery.location_id.as_deref() {
        let commune = find_desk(communes, id).ok_or_else(|| {
            rejected(
                "unknown stop desk",
                field(
                    "options.delivery.location_id",
                    format!("`{id}` is not an Ecotrack stop desk (see GET /v1/stop-desks)"),
                ),
            )
        })?;
        return Ok((commune.wilaya_id.trim().parse().unwrap_or(wilaya), commune));
    }
    let city = r.city.as_deref().unwrap_or_default();
    let commune = find_commune(communes, wilaya, city).ok_or_else(|| {
        rejected(
            "unknown commune",
            field(
                "recipient.city",
                format!("`{city}` is not a commune of wilaya {wilaya}; known: {}", commune_names(communes, wilaya)),
            ),
        )
    })?;
    if desk && !commune.has_stop_desk {
        return Err(rejected(
            "no stop desk there",
            field("options.delivery", format!("commune {} has no stop desk", commune.nom)),
        ));
    }
    Ok((wilaya, commune))
}

fn amount(money: Option<&Money>, name: &str) -> Result<String, CarrierError> {
    match money {
        None => Ok("0".into()),
        Some(m) if m.currency == Currency::DZD => Ok(m.amount.normalize().to_string()),
        Some(m) => {
            Err(rejected("Ecotrack collects dinars", field(name, format!("must be in DZD, not {}", m.currency))))
        }
    }
}

/// The form fields of a new order.
pub fn order_fields(
    spec: &ShipmentSpec,
    service: &ServiceChoice,
    carrier_reference: &str,
    communes: &[Commune],
) -> Result<OrderFields, CarrierError> {
    let desk = wants_desk(spec, service)?;
    let (wilaya, commune) = destination(spec, desk, communes)?;
    let r = &spec.recipient;
    let o = &spec.options;
    let descriptions: Vec<&str> = spec.parcels.iter().filter_map(|p| p.description.as_deref()).collect();
    let weight: Decimal = spec.parcels.iter().map(|p| p.weight.kg()).sum();
    let street = r.street.as_deref().map(|s| s.lines().map(str::trim).collect::<Vec<_>>().join(", "));
    Ok(OrderFields {
        reference: Some(reference(carrier_reference, spec.reference.as_deref())),
        nom_client: r.name.clone().or_else(|| r.company.clone()),
        telephone: local_phone(r),
        telephone_2: None,
        adresse: street.or_else(|| Some(format!("Stop desk {}", commune.nom))),
        commune: Some(commune.nom.clone()),
        code_wilaya: Some(wilaya.to_string()),
        montant: Some(amount(o.cash_on_delivery.as_ref(), "options.cash_on_delivery")?),
        remarque: o.instructions.clone(),
        produit: (!descriptions.is_empty()).then(|| descriptions.join(", ")),
        kind: Some("1".into()),
        stop_desk: Some(if desk { "1" } else { "0" }.into()),
        fragile: Some(if o.fragile { "1" } else { "0" }.into()),
        weight: Some(weight.normalize().to_string()),
    })
}

/// The fields an update changes (only those given).
pub fn changed_fields(
    recipient: Option<&Address>,
    cod: Option<&Money>,
    instructions: Option<&str>,
    communes: &[Commune],
) -> Result<OrderFields, CarrierError> {
    let mut fields = OrderFields::default();
    if let Some(r) = recipient {
        let spec_like = |r: &Address| -> Result<(u8, String), CarrierError> {
            let wilaya = wilaya_of(r.state.as_deref()).ok_or_else(|| {
                rejected("wilaya missing", field("recipient.state", "must be the wilaya code, 1 to 58"))
            })?;
            let city = r.city.as_deref().unwrap_or_default();
            let c = find_commune(communes, wilaya, city).ok_or_else(|| {
                rejected(
                    "unknown commune",
                    field("recipient.city", format!("`{city}` is not a commune of wilaya {wilaya}")),
                )
            })?;
            Ok((wilaya, c.nom.clone()))
        };
        let (wilaya, commune) = spec_like(r)?;
        fields.nom_client = r.name.clone();
        fields.telephone = local_phone(r);
        fields.adresse = r.street.clone();
        fields.commune = Some(commune);
        fields.code_wilaya = Some(wilaya.to_string());
    }
    if cod.is_some() {
        fields.montant = Some(amount(cod, "cash_on_delivery")?);
    }
    fields.remarque = instructions.map(str::to_owned);
    Ok(fields)
}

pub fn service(desk: bool) -> Service {
    let (code, name) = if desk { (STOP_DESK, "Stop desk") } else { (HOME, "Home delivery") };
    Service { code: code.into(), name: name.into(), carrier_code: KIND.as_str().into() }
}

fn dzd(text: &str) -> Option<Money> {
    text.trim().parse::<Decimal>().ok().map(|a| Money::new(a, Currency::DZD))
}

/// The two services of a wilaya's tariff; the desk one only where desks exist.
pub fn offers(fee: &Fee, has_desk: bool) -> Vec<CarrierOffer> {
    let make = |price: Money, desk: bool| CarrierOffer {
        service: service(desk),
        price: PriceBreakdown { before_tax: price, tax: None, total: price },
        insurance: None,
        delivery_estimate: None,
        delivery_type: if desk { DeliveryType::Relay } else { DeliveryType::Home },
        pickup: true,
        drop_off: false,
        delayed_pickup: false,
        cash_on_delivery: true,
        collection_dates: Vec::new(),
        expires_at: Utc::now() + Duration::hours(OFFER_LIFETIME_HOURS),
        carrier_offer_id: None,
    };
    let home = fee.tarif.as_deref().and_then(dzd).map(|p| make(p, false));
    let desk = fee.tarif_stopdesk.as_deref().and_then(dzd).filter(|_| has_desk).map(|p| make(p, true));
    home.into_iter().chain(desk).collect()
}

pub fn booked(tracking: String, desk: bool, parcels: usize) -> Booked {
    Booked {
        tracking_numbers: vec![Some(tracking.clone()); parcels],
        carrier_order_id: tracking,
        service: Some(service(desk)),
        price: None,
        insurance: None,
        details: serde_json::json!({"stop_desk": desk}),
    }
}

/// The tariff of a delivery to this wilaya, as the booking's price.
pub fn tariff(fees: &super::wire_reference::Fees, wilaya: &str, desk: bool) -> Option<PriceBreakdown> {
    let fee = fees.livraison.iter().find(|f| f.wilaya_id.trim() == wilaya.trim())?;
    let text = if desk { fee.tarif_stopdesk.as_deref() } else { fee.tarif.as_deref() }?;
    dzd(text).map(|price| PriceBreakdown { before_tax: price, tax: None, total: price })
}

pub fn listed_booked(order: ListedOrder, parcels: usize) -> Booked {
    let desk = order.stop_desk.as_deref() == Some("1");
    let mut b = booked(order.tracking, desk, parcels);
    b.details["status"] = serde_json::json!(order.status);
    b
}

/// Africa/Algiers is UTC+1 all year.
pub fn algiers_to_utc(text: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    Some(Utc.from_utc_datetime(&(local - Duration::hours(1))))
}

pub fn algiers_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    (at.naive_utc() + Duration::hours(1)).date()
}

impl From<Note> for CarrierNote {
    fn from(n: Note) -> CarrierNote {
        CarrierNote {
            text: n.remarque.unwrap_or_default(),
            station: n.station.filter(|s| !s.is_empty()),
            driver: n.livreur.filter(|s| !s.is_empty()),
            created_at: n.created_at.as_deref().and_then(algiers_to_utc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_references() {
        let a: Address =
            serde_json::from_value(serde_json::json!({"country": "DZ", "phone": "+213 550 12 34 56"})).unwrap();
        assert_eq!(local_phone(&a).unwrap(), "0550123456");
        assert_eq!(reference("sg-abc", Some("order-1-sbx-returned")), "sg-abc-order-1-sbx-returned");
        assert_eq!(reference(&"x".repeat(120), None).len(), 100);
        assert_eq!(algiers_to_utc("2021-03-05 11:04:19").unwrap().to_rfc3339(), "2021-03-05T10:04:19+00:00");
    }
}
