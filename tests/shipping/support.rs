//! Addresses, parcels and calls the shipping tests share.

use serde_json::{Value, json};

use crate::common::{TestApp, json, spawn_app};
use crate::sandboxed::{Sandboxed, accounts};

pub async fn setup() -> (TestApp, Sandboxed) {
    let app = spawn_app().await;
    let sb = accounts(&app).await;
    (app, sb)
}

pub fn toulouse() -> Value {
    json!({"name": "Atelier Martin", "company": "Atelier Martin SARL", "street": "15 route de France", "city": "Toulouse",
           "postal_code": "31300", "country": "FR", "phone": "+33622123613", "email": "shop@example.com"})
}

pub fn nice() -> Value {
    json!({"name": "Jeanne Martin", "street": "2 rue Pastorelli", "city": "Nice", "postal_code": "06000",
           "country": "FR", "phone": "+33611223344", "email": "jeanne@example.com"})
}

pub fn london() -> Value {
    json!({"name": "John Smith", "street": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA",
           "country": "GB", "phone": "+447700900123"})
}

pub fn alger() -> Value {
    json!({"name": "Boutique Alger", "street": "Rue Larbi Ben M'hidi", "city": "Alger Centre", "state": "16",
           "country": "DZ", "phone": "0550000001"})
}

pub fn hydra() -> Value {
    json!({"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Hydra", "state": "16", "country": "DZ",
           "phone": "+213 661 23 45 67"})
}

pub fn parcel() -> Value {
    json!({"weight": "2.5", "length": 30, "width": 20, "height": 15})
}

pub fn books() -> Value {
    json!({"value": {"amount": "45.00", "currency": "EUR"}, "description": "Books", "country_of_origin": "FR"})
}

/// A price like `{"amount": "12.30", "currency": "EUR"}`: amounts are strings, never floats.
pub fn assert_money(value: &Value) {
    let amount = value["amount"].as_str().unwrap_or_else(|| panic!("amount is not a string: {value}"));
    assert!(amount.parse::<f64>().is_ok() && amount.contains('.'), "{value}");
    assert_eq!(value["currency"].as_str().map(str::len), Some(3), "{value}");
}

/// `POST /v1/quotes`, expecting 200.
pub async fn quote(app: &TestApp, body: Value) -> Value {
    let r = app.post("/v1/quotes", &body).await;
    let status = r.status();
    let body = json(r).await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&app.api_key)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

/// Books and expects 201; returns the shipment.
pub async fn book(app: &TestApp, body: Value) -> Value {
    let r = app.post("/v1/shipments", &body).await;
    let status = r.status();
    let shipment = json(r).await;
    assert_eq!(status, 201, "{shipment}");
    assert_eq!(shipment["status"], "booked", "{shipment}");
    shipment
}

/// An Ecotrack home delivery in Alger.
pub fn ecotrack_booking(account: &str, reference: &str) -> Value {
    json!({"carrier_account": account, "service": "home", "shipper": alger(), "recipient": hydra(),
           "parcels": [{"weight": "1", "length": 20, "width": 15, "height": 10, "description": "Chaussures"}],
           "reference": reference,
           "options": {"cash_on_delivery": {"amount": "2500.00", "currency": "DZD"}}})
}

/// An e-Courier courier job across town.
pub fn ecourier_booking(account: &str, service: &str) -> Value {
    json!({"carrier_account": account, "service": service,
           "shipper": {"name": "James Madison", "street": "2251 Orange Blossom Trail", "city": "Orlando", "state": "FL", "postal_code": "32804", "country": "US", "phone": "3015551212"},
           "recipient": {"name": "Bryan Moore", "street": "2253 Orange Blossom Trail", "city": "Orlando", "state": "FL", "postal_code": "32804", "country": "US", "phone": "3015551213"},
           "parcels": [{"weight": "3", "length": 30, "width": 30, "height": 30, "shipper_reference": "test1234barcode"}],
           "reference": "PO-7781"})
}
