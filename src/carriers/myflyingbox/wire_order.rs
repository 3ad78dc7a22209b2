//! My Flying Box orders, as the document shows them (`POST /orders`,
//! `POST /orders/automatic`, `GET /orders/:id`, `PUT /orders/:id/cancel`).

use serde::{Deserialize, Serialize};

use super::wire_quote::{Offer, OffersFilters, SortAttributes};
use crate::carriers::lenient;

/// `{"order": {...}}`: ordering an offer of a quote.
#[derive(Debug, Serialize)]
pub struct OrderBody<'a> {
    pub order: OrderParams<'a>,
}

#[derive(Debug, Serialize)]
pub struct OrderParams<'a> {
    pub offer_id: &'a str,
    pub thermal_labels: bool,
    pub insure_shipment: bool,
    pub delay_pickup_order: bool,
    pub shipper: Contact<'a>,
    pub recipient: Contact<'a>,
    pub parcels: Vec<OrderParcel<'a>>,
}

/// Shipper or recipient block. For `orders/automatic` the place (country,
/// postal code, city) travels here too; for `orders` it comes from the quote.
#[derive(Debug, Default, Serialize)]
pub struct Contact<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_a_company: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_instructions: Option<&'a str>,
}

/// Per-parcel details of an order; dimensions only for `orders/automatic`.
#[derive(Debug, Default, Serialize)]
pub struct OrderParcel<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insured_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insured_currency: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipper_reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<&'a str>,
    /// Customs: value, currency, description, country_of_origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_of_origin: Option<&'a str>,
}

/// `{"order": {...}}` for `orders/automatic`: quote and order in one call.
#[derive(Debug, Serialize)]
pub struct AutomaticBody<'a> {
    pub order: AutomaticParams<'a>,
}

#[derive(Debug, Serialize)]
pub struct AutomaticParams<'a> {
    pub thermal_labels: bool,
    pub insure_shipment: bool,
    pub delay_pickup_order: bool,
    pub parcel_type: &'static str,
    pub shipper: Contact<'a>,
    pub recipient: Contact<'a>,
    pub parcels: Vec<OrderParcel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offers_sort_attributes: Option<SortAttributes>,
    #[serde(skip_serializing_if = "OffersFilters::is_empty")]
    pub offers_filters: OffersFilters,
}

/// An order: `data` of order creation, read and cancel. The document's
/// example says `uuid` where the attribute list says `id`: both are read.
#[derive(Debug, Deserialize)]
pub struct Order {
    #[serde(alias = "uuid")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub collection_date: Option<String>,
    #[serde(default)]
    pub offer: Option<Offer>,
    #[serde(default)]
    pub parcels: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub delay_pickup_order: bool,
}
