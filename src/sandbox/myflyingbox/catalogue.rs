//! The deterministic product catalogue and its price rules.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde_json::{Value, json};
use uuid::Uuid;

use super::store::{CollectionDate, Offer, Place, QuoteParcel};
use crate::sandbox::core::hash::stable_uuid;
use crate::sandbox::core::tz::paris;

/// Where a product can carry a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    Anywhere,
    International,
    FromFrance,
    DomesticFrance,
    /// From France to a country with a relay network.
    FranceToRelayCountries,
    /// Any shipper, recipient in a relay country.
    ToRelayCountries,
}

#[derive(Debug)]
pub struct Product {
    pub code: &'static str,
    pub carrier_code: &'static str,
    pub name: &'static str,
    pub delay: &'static str,
    pub pick_up: bool,
    pub drop_off: bool,
    pub preset_delivery_location: bool,
    pub support_delayed_pickup: bool,
    pub documents: bool,
    pub coverage: Coverage,
    pub base_cents: i64,
    pub per_kg_cents: i64,
    /// Prefix of relay / drop-off location codes.
    pub location_prefix: &'static str,
}

pub static PRODUCTS: [Product; 7] = [
    Product {
        code: "dhl_worldwide_express",
        carrier_code: "dhl",
        name: "Worldwide Express",
        delay: "24",
        pick_up: true,
        drop_off: false,
        preset_delivery_location: false,
        support_delayed_pickup: true,
        documents: true,
        coverage: Coverage::International,
        base_cents: 2500,
        per_kg_cents: 450,
        location_prefix: "DHL",
    },
    Product {
        code: "fedex_international_priority",
        carrier_code: "fedex",
        name: "International Priority",
        delay: "24-48",
        pick_up: true,
        drop_off: false,
        preset_delivery_location: false,
        support_delayed_pickup: false,
        documents: true,
        coverage: Coverage::International,
        base_cents: 2300,
        per_kg_cents: 420,
        location_prefix: "FDX",
    },
    Product {
        code: "ups_standard",
        carrier_code: "ups",
        name: "UPS Standard",
        delay: "48-72",
        pick_up: true,
        drop_off: false,
        preset_delivery_location: false,
        support_delayed_pickup: true,
        documents: true,
        coverage: Coverage::Anywhere,
        base_cents: 1200,
        per_kg_cents: 180,
        location_prefix: "UPS",
    },
    Product {
        code: "ups_access_point_standard",
        carrier_code: "ups",
        name: "UPS Access Point Standard",
        delay: "48-72",
        pick_up: false,
        drop_off: true,
        preset_delivery_location: true,
        support_delayed_pickup: false,
        documents: false,
        coverage: Coverage::ToRelayCountries,
        base_cents: 900,
        per_kg_cents: 150,
        location_prefix: "UPSAP",
    },
    Product {
        code: "colissimo_home",
        carrier_code: "colissimo",
        name: "Colissimo Domicile",
        delay: "48",
        pick_up: false,
        drop_off: true,
        preset_delivery_location: false,
        support_delayed_pickup: false,
        documents: false,
        coverage: Coverage::FromFrance,
        base_cents: 690,
        per_kg_cents: 90,
        location_prefix: "COLI",
    },
    Product {
        code: "chronopost_relais",
        carrier_code: "chronopost",
        name: "Chrono Relais",
        delay: "24",
        pick_up: false,
        drop_off: true,
        preset_delivery_location: true,
        support_delayed_pickup: false,
        documents: false,
        coverage: Coverage::DomesticFrance,
        base_cents: 750,
        per_kg_cents: 60,
        location_prefix: "CHRONO",
    },
    Product {
        code: "mondial_relay_point_relais",
        carrier_code: "mondial_relay",
        name: "Point Relais",
        delay: "72-96",
        pick_up: false,
        drop_off: true,
        preset_delivery_location: true,
        support_delayed_pickup: false,
        documents: false,
        coverage: Coverage::FranceToRelayCountries,
        base_cents: 450,
        per_kg_cents: 40,
        location_prefix: "MR",
    },
];

const RELAY_COUNTRIES: [&str; 9] = ["FR", "BE", "DE", "ES", "IT", "NL", "LU", "PT", "GB"];

/// The EU customs union (Monaco travels with France).
const CUSTOMS_UNION: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "MC",
];

pub fn crosses_customs_border(from: &str, to: &str) -> bool {
    from != to && !(CUSTOMS_UNION.contains(&from) && CUSTOMS_UNION.contains(&to))
}

impl Product {
    pub fn id(&self) -> Uuid {
        stable_uuid(&format!("mfb-product-{}", self.code))
    }

    pub fn serves(&self, from: &str, to: &str, documents: bool) -> bool {
        if documents && !self.documents {
            return false;
        }
        match self.coverage {
            Coverage::Anywhere => true,
            Coverage::International => from != to,
            Coverage::FromFrance => from == "FR",
            Coverage::DomesticFrance => from == "FR" && to == "FR",
            Coverage::FranceToRelayCountries => from == "FR" && RELAY_COUNTRIES.contains(&to),
            Coverage::ToRelayCountries => RELAY_COUNTRIES.contains(&to),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "id": self.id(),
            "carrier_code": self.carrier_code,
            "code": self.code,
            "name": self.name,
            "delay": self.delay,
            "pick_up": self.pick_up,
            "drop_off": self.drop_off,
            "preset_delivery_location": self.preset_delivery_location,
            "support_delayed_pickup": self.support_delayed_pickup,
        })
    }
}

pub fn product_by_code(code: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|p| p.code == code)
}

/// VAT rule: 20% only when both ends are in France; exports and imports are exempt.
pub fn vat_scheme(from: &str, to: &str) -> (&'static str, i64) {
    match (from == "FR", to == "FR") {
        (true, true) => ("FR_20", 20),
        (true, false) => ("exempted_exportation", 0),
        (false, true) => ("exempted_importation", 0),
        (false, false) => ("reverse_charge", 0),
    }
}

/// Volumetric weight at 5000 cm3/kg; the heavier of real and volumetric is charged.
fn chargeable_kg(parcel: &QuoteParcel) -> f64 {
    let volume = match (parcel.length, parcel.width, parcel.height) {
        (Some(l), Some(w), Some(h)) => f64::from(l) * f64::from(w) * f64::from(h) / 5000.0,
        _ => 0.0,
    };
    parcel.weight.max(volume)
}

fn zone_percent(from: &str, to: &str) -> i64 {
    if from == to {
        100
    } else if CUSTOMS_UNION.contains(&from) && CUSTOMS_UNION.contains(&to) {
        160
    } else if RELAY_COUNTRIES.contains(&from) && RELAY_COUNTRIES.contains(&to) {
        190
    } else {
        280
    }
}

pub fn price_cents(product: &Product, from: &Place, to: &Place, parcels: &[QuoteParcel]) -> i64 {
    let kg: f64 = parcels.iter().map(chargeable_kg).sum();
    let raw = product.base_cents as f64 * parcels.len().max(1) as f64 + product.per_kg_cents as f64 * kg;
    (raw * zone_percent(&from.country, &to.country) as f64 / 100.0).round() as i64
}

/// 1.2% of the insured value, at least 5 EUR, excluding VAT.
pub fn insurance_cents(parcels: &[QuoteParcel]) -> Option<i64> {
    let insured: f64 = parcels.iter().filter_map(|p| p.insured_value).sum();
    parcels.iter().any(|p| p.insured_value.is_some()).then(|| ((insured * 1.2).round() as i64).max(500))
}

pub fn price_json(cents: i64) -> Value {
    json!({
        "formatted": format!("€{}.{:02}", cents / 100, cents % 100),
        "currency": "EUR",
        "amount": cents as f64 / 100.0,
        "amount_in_cents": cents,
    })
}

/// The next three working days (Paris time) after `now`.
pub fn collection_dates(now: DateTime<Utc>) -> Vec<CollectionDate> {
    let mut day = paris(now).date_naive();
    let mut dates = Vec::new();
    while dates.len() < 3 {
        day += Duration::days(1);
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let weekday = day.format("%A");
        dates.push(CollectionDate {
            date: day,
            cutoff: format!("If you book before 1pm on {weekday}, or book up to a week in advance"),
        });
    }
    dates
}

pub fn offer_json(offer: &Offer) -> Value {
    let mut value = json!({
        "id": offer.id,
        "quote_id": offer.quote_id,
        "product_id": offer.product.id(),
        "vat_scheme_code": offer.vat_scheme_code,
        "product": offer.product.json(),
        "price": price_json(offer.price_cents),
        "price_vat": price_json(offer.vat_cents),
        "total_price": price_json(offer.price_cents + offer.vat_cents),
    });
    if let Some(cents) = offer.insurance_cents {
        value["insurance_price"] = price_json(cents);
    }
    if offer.product.pick_up {
        value["collection_dates"] =
            offer.collection_dates.iter().map(|d| json!({"date": d.date.to_string(), "cutoff": d.cutoff})).collect();
    }
    value
}
