//! My Flying Box wire types to and from the domain.

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::wire_extras::{Location as WireLocation, Pickup};
use super::wire_order::{Contact, Order, OrderParcel};
use super::wire_quote::{CollectionDate as WireDate, Offer, OffersFilters, Price, Product, QuoteParcel};
use crate::carriers::CarrierError;
use crate::carriers::shipping::{Booked, CarrierOffer, CarrierPickup};
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::location::{Coordinates, Location, LocationAddress, LocationKind, OpeningHours};
use crate::domain::money::{Currency, Money};
use crate::domain::offer::{CollectionDate, DeliveryEstimate, DeliveryType, OfferFilters, PriceBreakdown, Service};
use crate::domain::parcel::{Parcel, ParcelKind};
use crate::domain::shipment::ShipmentSpec;

const KIND: CarrierKind = CarrierKind::Myflyingbox;
/// The document gives no offer lifetime; the sandbox and observed behaviour keep offers a day.
pub const OFFER_LIFETIME_HOURS: i64 = 24;

fn bad(reason: impl Into<String>) -> CarrierError {
    CarrierError::bad_response(KIND, reason)
}

impl TryFrom<&Price> for Money {
    type Error = CarrierError;

    fn try_from(p: &Price) -> Result<Money, CarrierError> {
        let currency: Currency = p.currency.parse().map_err(|e| bad(format!("price currency: {e}")))?;
        Ok(Money::from_minor(p.amount_in_cents, currency))
    }
}

fn service(product: &Product) -> Service {
    Service {
        code: product.code.clone(),
        name: product.name.clone().unwrap_or_else(|| product.code.clone()),
        carrier_code: product.carrier_code.clone().unwrap_or_else(|| "myflyingbox".into()),
    }
}

fn dates(list: &[WireDate]) -> Result<Vec<CollectionDate>, CarrierError> {
    list.iter()
        .map(|d| {
            let date = NaiveDate::parse_from_str(d.date.get(..10).unwrap_or(&d.date), "%Y-%m-%d")
                .map_err(|_| bad(format!("collection date `{}` is not a date", d.date)))?;
            Ok(CollectionDate { date, cutoff: d.cutoff.clone() })
        })
        .collect()
}

fn breakdown(offer: &Offer) -> Result<PriceBreakdown, CarrierError> {
    Ok(PriceBreakdown {
        before_tax: Money::try_from(&offer.price)?,
        tax: offer.price_vat.as_ref().map(Money::try_from).transpose()?,
        total: Money::try_from(&offer.total_price)?,
    })
}

impl TryFrom<Offer> for CarrierOffer {
    type Error = CarrierError;

    fn try_from(offer: Offer) -> Result<CarrierOffer, CarrierError> {
        let p = &offer.product;
        Ok(CarrierOffer {
            service: service(p),
            price: breakdown(&offer)?,
            insurance: offer.insurance_price.as_ref().map(Money::try_from).transpose()?,
            delivery_estimate: p.delay.as_deref().and_then(DeliveryEstimate::from_delay),
            delivery_type: if p.preset_delivery_location { DeliveryType::Relay } else { DeliveryType::Home },
            pickup: p.pick_up,
            drop_off: p.drop_off,
            delayed_pickup: p.support_delayed_pickup,
            cash_on_delivery: false,
            collection_dates: dates(&offer.collection_dates)?,
            expires_at: Utc::now() + Duration::hours(OFFER_LIFETIME_HOURS),
            carrier_offer_id: Some(offer.id),
        })
    }
}

/// An order as a booking: My Flying Box tracks per order and parcel index,
/// so every parcel's tracking number is the order id.
pub fn booked(order: Order, parcels: usize) -> Result<Booked, CarrierError> {
    if order.id.trim().is_empty() {
        return Err(bad("order without an id"));
    }
    let (service, price, insurance) = match &order.offer {
        Some(offer) => (
            Some(service(&offer.product)),
            Some(breakdown(offer)?),
            offer.insurance_price.as_ref().map(Money::try_from).transpose()?,
        ),
        None => (None, None, None),
    };
    let details = serde_json::json!({
        "state": order.state,
        "collection_date": order.collection_date,
        "delay_pickup_order": order.delay_pickup_order,
        "carrier_offer_id": order.offer.as_ref().map(|o| o.id.clone()),
    });
    Ok(Booked {
        tracking_numbers: vec![Some(order.id.clone()); parcels.max(order.parcels.len())],
        carrier_order_id: order.id,
        service,
        price,
        insurance,
        details,
    })
}

/// Filters My Flying Box applies itself; the others are applied locally.
pub fn offers_filters(filters: &OfferFilters) -> OffersFilters {
    OffersFilters {
        // Only "home" is exact: a false flag excludes relay offers.
        with_preset_delivery_location: (filters.delivery_type == Some(DeliveryType::Home)).then_some(false),
        with_carrier_codes: filters.carriers.clone(),
        without_carrier_codes: filters.exclude_carriers.clone(),
        with_product_codes: filters.services.clone(),
        without_product_codes: filters.exclude_services.clone(),
        ..OffersFilters::default()
    }
}

pub fn parcel_type(parcels: &[Parcel]) -> &'static str {
    if parcels.iter().any(|p| p.kind == ParcelKind::Document) { "document" } else { "package" }
}

fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Quote parcels. The declared value is shipment-wide: it rides on the first
/// parcel, and My Flying Box prices insurance on the sum.
pub fn quote_parcels(parcels: &[Parcel], insured: Option<&Money>) -> Vec<QuoteParcel> {
    parcels
        .iter()
        .enumerate()
        .map(|(i, p)| QuoteParcel {
            kind: if p.kind == ParcelKind::Document { "document" } else { "package" },
            length: p.length,
            width: p.width,
            height: p.height,
            weight: decimal(p.weight.kg()),
            insured_value: insured.filter(|_| i == 0).map(|m| decimal(m.amount)),
            insured_currency: insured.filter(|_| i == 0).map(|m| m.currency.to_string()),
        })
        .collect()
}

/// Per-parcel order details: references and customs (and, for automatic orders, size).
pub fn order_parcels<'a>(spec: &'a ShipmentSpec, with_size: bool) -> Vec<OrderParcel<'a>> {
    let insured = spec.options.declared_value.as_ref().filter(|_| with_size);
    spec.parcels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let customs = p.customs.as_ref();
            let mut parcel = OrderParcel {
                shipper_reference: p.shipper_reference.as_deref().or(spec.reference.as_deref()),
                recipient_reference: p.recipient_reference.as_deref(),
                customer_reference: p.customer_reference.as_deref(),
                value: customs.map(|c| decimal(c.value.amount)),
                currency: customs.map(|c| c.value.currency.as_str()),
                description: customs.map(|c| c.description.as_str()).or(p.description.as_deref()),
                country_of_origin: customs.map(|c| c.country_of_origin.as_str()),
                ..OrderParcel::default()
            };
            if with_size {
                let q = &quote_parcels(std::slice::from_ref(p), insured.filter(|_| i == 0))[0];
                parcel.kind = Some(q.kind);
                parcel.length = q.length;
                parcel.width = q.width;
                parcel.height = q.height;
                parcel.weight = Some(q.weight.clone());
                parcel.insured_value = q.insured_value.clone();
                parcel.insured_currency = insured.filter(|_| i == 0).map(|m| m.currency.as_str());
            }
            parcel
        })
        .collect()
}

/// A contact block; `with_place` adds country, postal code and city (automatic orders).
pub fn contact<'a>(a: &'a Address, with_place: bool) -> Contact<'a> {
    let mut c = Contact {
        name: a.name.as_deref(),
        company: a.company.as_deref(),
        street: a.street.as_deref(),
        state: a.state.as_deref(),
        phone: a.compact_phone(),
        email: a.email.as_deref(),
        ..Contact::default()
    };
    if with_place {
        c.country = Some(a.country.as_str());
        c.postal_code = a.postal_code.as_deref();
        c.city = a.city.as_deref();
    }
    c
}

impl TryFrom<Pickup> for CarrierPickup {
    type Error = CarrierError;

    fn try_from(p: Pickup) -> Result<CarrierPickup, CarrierError> {
        Ok(CarrierPickup {
            carrier_pickup_id: p.id,
            reference: p.reference.filter(|r| !r.is_empty()),
            supplier_reference: p.supplier_reference.filter(|r| !r.trim().is_empty()),
            collection_date: p.collection_date,
            price: p.total_price.as_ref().map(Money::try_from).transpose()?,
        })
    }
}

/// A relay or drop-off point; without a code it cannot be booked, so it is an unreadable answer.
pub fn location(l: WireLocation, kind: LocationKind) -> Result<Location, CarrierError> {
    let code = l.code.filter(|c| !c.trim().is_empty()).ok_or_else(|| bad("location without a code"))?;
    let coordinate = |v: &Option<String>| v.as_deref().and_then(|t| t.trim().parse::<f64>().ok());
    let coordinates = match (coordinate(&l.latitude), coordinate(&l.longitude)) {
        (Some(latitude), Some(longitude)) => Some(Coordinates { latitude, longitude }),
        _ => None,
    };
    let opening_hours = l
        .opening_hours
        .into_iter()
        .filter_map(|h| {
            let day = h.day.trim().parse::<u8>().ok().filter(|d| (1..=7).contains(d))?;
            Some(OpeningHours { day, hours: h.hours.unwrap_or_default() })
        })
        .collect();
    Ok(Location {
        name: l.company.clone().or(l.name.clone()).unwrap_or_else(|| code.clone()),
        id: code,
        carrier: KIND,
        kind,
        address: LocationAddress {
            street: l.street,
            postal_code: l.postal_code,
            city: l.city,
            state: None,
            country: l.country,
        },
        coordinates,
        opening_hours,
        phone: None,
        map_link: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_offer_maps_with_exact_prices() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/myflyingbox/quote_representation.json"
        ))
        .unwrap();
        // The document's example has trailing commas; the offers part is valid JSON.
        let start = text.find("\"offers\"").unwrap();
        let offers_json = format!("{{{}", &text[start..]);
        let offers: serde_json::Value = serde_json::from_str(&offers_json).unwrap();
        let offer: Offer = serde_json::from_value(offers["offers"][0].clone()).unwrap();
        let mapped = CarrierOffer::try_from(offer).unwrap();
        assert_eq!(mapped.price.total.amount.to_string(), "351.24");
        assert_eq!(mapped.price.tax.unwrap().amount.to_string(), "57.56");
        assert_eq!(mapped.delivery_estimate, Some(DeliveryEstimate::Hours { min_hours: 24, max_hours: 24 }));
        assert_eq!(mapped.collection_dates.len(), 3);
        assert!(mapped.pickup && !mapped.drop_off);
    }
}
