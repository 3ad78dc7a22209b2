//! My Flying Box data kept by the sandbox (per account).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::catalogue::Product;
use crate::sandbox::core::scenario::Scenario;

#[derive(Clone, Debug)]
pub struct Place {
    pub country: String,
    pub postal_code: String,
    pub city: String,
}

#[derive(Clone, Debug)]
pub struct QuoteParcel {
    pub length: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub weight: f64,
    pub insured_value: Option<f64>,
    pub insured_currency: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Quote {
    pub id: Uuid,
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub shipper: Place,
    pub recipient: Place,
    pub recipient_is_a_company: bool,
    pub parcel_type: String,
    pub parcels: Vec<QuoteParcel>,
    pub offer_ids: Vec<Uuid>,
}

#[derive(Clone, Debug)]
pub struct CollectionDate {
    pub date: NaiveDate,
    pub cutoff: String,
}

#[derive(Clone, Debug)]
pub struct Offer {
    pub id: Uuid,
    pub quote_id: Uuid,
    pub account: String,
    pub product: &'static Product,
    pub price_cents: i64,
    pub vat_cents: i64,
    pub insurance_cents: Option<i64>,
    pub vat_scheme_code: &'static str,
    pub collection_dates: Vec<CollectionDate>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct Order {
    pub id: Uuid,
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub offer_id: Uuid,
    pub quote_id: Uuid,
    /// Contact blocks as they will be shown (already merged with the quote's places).
    pub shipper: Value,
    pub recipient: Value,
    pub parcels: Vec<Value>,
    pub extras: serde_json::Map<String, Value>,
    pub delay_pickup_order: bool,
    pub collection_date: Option<String>,
    pub scenario: Scenario,
    /// When the carrier's part of the journey starts (None: waiting for a delayed pickup).
    pub journey_start: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub pickup_id: Option<Uuid>,
}

#[derive(Clone, Debug)]
pub struct Pickup {
    pub id: Uuid,
    pub account: String,
    pub order_id: Uuid,
    pub reference: String,
    pub supplier_reference: String,
    pub collection_date: String,
    pub collection_instructions: Option<String>,
    pub created_at: DateTime<Utc>,
    pub price_cents: i64,
    pub address: Value,
}

#[derive(Default)]
pub struct MfbData {
    pub quotes: HashMap<Uuid, Quote>,
    pub offers: HashMap<Uuid, Offer>,
    pub orders: HashMap<Uuid, Order>,
    pub pickups: HashMap<Uuid, Pickup>,
}

#[derive(Default)]
pub struct MfbStore {
    data: Mutex<MfbData>,
}

impl MfbStore {
    pub fn lock(&self) -> MutexGuard<'_, MfbData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}
