//! My Flying Box quotes and offers, as the document shows them
//! (`POST /quotes`, `GET /offers/:id`).

use serde::{Deserialize, Serialize};

use crate::carriers::lenient;

/// `{"quote": {...}}`
#[derive(Debug, Serialize)]
pub struct QuoteBody<'a> {
    pub quote: QuoteParams<'a>,
}

#[derive(Debug, Serialize)]
pub struct QuoteParams<'a> {
    pub parcel_type: &'a str,
    pub shipper: Place<'a>,
    pub recipient: Place<'a>,
    pub parcels: Vec<QuoteParcel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offers_sort_attributes: Option<SortAttributes>,
    #[serde(skip_serializing_if = "OffersFilters::is_empty")]
    pub offers_filters: OffersFilters,
}

#[derive(Debug, Serialize)]
pub struct Place<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_a_company: Option<bool>,
    pub country: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
}

/// Decimals travel as strings ("12.5"): exact, and accepted by the API.
#[derive(Debug, Serialize)]
pub struct QuoteParcel {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    pub weight: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insured_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insured_currency: Option<String>,
}

/// `{"total_price": "asc"}` — the only sortable attribute.
#[derive(Debug, Serialize)]
pub struct SortAttributes {
    pub total_price: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct OffersFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_drop_off: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_pick_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_preset_delivery_location: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_carrier_codes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_product_codes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without_carrier_codes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without_product_codes: Vec<String>,
}

impl OffersFilters {
    pub fn is_empty(&self) -> bool {
        self.with_drop_off.is_none()
            && self.with_pick_up.is_none()
            && self.with_preset_delivery_location.is_none()
            && self.with_carrier_codes.is_empty()
            && self.with_product_codes.is_empty()
            && self.without_carrier_codes.is_empty()
            && self.without_product_codes.is_empty()
    }
}

/// A quote: `data` of `POST /quotes`.
#[derive(Debug, Deserialize)]
pub struct Quote {
    pub id: String,
    #[serde(default)]
    pub offers: Vec<Offer>,
}

#[derive(Debug, Deserialize)]
pub struct Offer {
    pub id: String,
    #[serde(default)]
    pub quote_id: Option<String>,
    #[serde(default)]
    pub vat_scheme_code: Option<String>,
    pub product: Product,
    pub price: Price,
    #[serde(default)]
    pub price_vat: Option<Price>,
    pub total_price: Price,
    #[serde(default)]
    pub insurance_price: Option<Price>,
    #[serde(default)]
    pub collection_dates: Vec<CollectionDate>,
}

#[derive(Debug, Deserialize)]
pub struct Product {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub carrier_code: Option<String>,
    pub code: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// Hours: "24", or a range "48-72".
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delay: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub pick_up: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub drop_off: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub preset_delivery_location: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub support_delayed_pickup: bool,
}

/// `{"formatted": "€293.68", "currency": "EUR", "amount": 293.68, "amount_in_cents": 29368}`;
/// only `amount_in_cents` is used: it never went through a float.
#[derive(Debug, Deserialize)]
pub struct Price {
    #[serde(default)]
    pub formatted: Option<String>,
    pub currency: String,
    pub amount_in_cents: i64,
}

#[derive(Debug, Deserialize)]
pub struct CollectionDate {
    pub date: String,
    #[serde(default)]
    pub cutoff: Option<String>,
}
