//! My Flying Box pickups and relay / drop-off locations, as the document
//! shows them (`POST /pickups`, `GET /pickups/:id`,
//! `GET /offers/:id/available_{delivery,drop_off}_locations`).

use serde::{Deserialize, Serialize};

use super::wire_quote::Price;
use crate::carriers::lenient;

/// `{"pickup": {...}}`
#[derive(Debug, Serialize)]
pub struct PickupBody<'a> {
    pub pickup: PickupParams<'a>,
}

#[derive(Debug, Serialize)]
pub struct PickupParams<'a> {
    pub order_id: &'a str,
    pub collection_date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_instructions: Option<&'a str>,
    pub address: PickupAddress<'a>,
}

#[derive(Debug, Serialize)]
pub struct PickupAddress<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'a str>,
    pub country: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
pub struct Pickup {
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub reference: Option<String>,
    /// Empty until the truck company confirms.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub supplier_reference: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub collection_date: Option<String>,
    #[serde(default)]
    pub total_price: Option<Price>,
}

/// One relay or drop-off point. `code` is what orders take as `location_code`.
#[derive(Debug, Deserialize)]
pub struct Location {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub company: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub street: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub latitude: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub longitude: Option<String>,
    #[serde(default)]
    pub opening_hours: Vec<OpeningHours>,
}

#[derive(Debug, Deserialize)]
pub struct OpeningHours {
    #[serde(deserialize_with = "lenient::text")]
    pub day: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub hours: Option<String>,
}
