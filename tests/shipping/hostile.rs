//! Hostile input: malformed JSON, wrong types, unknown enum values, floats
//! for money, garbage ids, broken rules — each a clear problem, never a 500,
//! and nothing stored or sent.

use serde_json::json;

use crate::common::{assert_problem, json};
use crate::support::{ecotrack_booking, nice, parcel, setup, toulouse};

#[tokio::test]
async fn malformed_requests_are_problems_and_nothing_is_booked() {
    let (app, sb) = setup().await;
    let raw = |path: &str, body: &str| {
        app.client
            .post(app.url(path))
            .bearer_auth(&app.api_key)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
    };
    assert_problem(raw("/v1/quotes", "{not json").await.unwrap(), 400, "invalid_json").await;
    assert_problem(raw("/v1/shipments", "").await.unwrap(), 400, "invalid_json").await;
    let r = app.client.post(app.url("/v1/shipments")).bearer_auth(&app.api_key).body("a=b").send().await.unwrap();
    assert_problem(r, 415, "unsupported_media_type").await;

    let quote = |changes: serde_json::Value| {
        let mut body = json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]});
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, needle) in [
        (quote(json!({"parcels": [{"weight": "heavy", "length": 1, "width": 1, "height": 1}]})), "weight"),
        (quote(json!({"parcels": [{"weight": 1, "length": -3, "width": 1, "height": 1}]})), "length"),
        (quote(json!({"filters": {"delivery_type": "drone"}})), "delivery_type"),
        (quote(json!({"sort": {"by": "colour"}})), "by"),
        (quote(json!({"cash_on_delivery": {"amount": 12.5, "currency": "EUR"}})), "amount"),
        (quote(json!({"declared_value": {"amount": "12.50", "currency": "EURO"}})), "currency"),
        (quote(json!({"recipient": {"country": "France", "city": "Nice", "postal_code": "06000"}})), "country"),
        (
            quote(json!({"shipper": {"country": "FR", "city": "Toulouse", "postal_code": "31300", "planet": "Earth"}})),
            "planet",
        ),
        (quote(json!({"carrier_accounts": ["ca_garbage"]})), "carrier_accounts"),
        (quote(json!({"parcels": "many"})), "parcels"),
    ] {
        let p = assert_problem(app.post("/v1/quotes", &body).await, 422, "invalid_body").await;
        assert!(p["detail"].as_str().unwrap().contains(needle), "{needle}: {p}");
    }
    for (body, field) in [
        (quote(json!({"parcels": []})), "parcels"),
        (quote(json!({"parcels": vec![parcel(); 51]})), "parcels"),
        (quote(json!({"recipient": {"country": "FR", "city": "Ni\u{7}ce", "postal_code": "06000"}})), "recipient.city"),
        (quote(json!({"recipient": {"country": "FR", "postal_code": "06000"}})), "recipient.city"),
        (quote(json!({"cash_on_delivery": {"amount": "-5.00", "currency": "EUR"}})), "cash_on_delivery.amount"),
        (quote(json!({"parcels": [{"weight": "1", "length": 401, "width": 1, "height": 1}]})), "parcels[0].length"),
        (quote(json!({"parcels": [{"weight": "2000", "length": 1, "width": 1, "height": 1}]})), "parcels[0].weight"),
    ] {
        let r = app.post("/v1/quotes", &body).await;
        let status = r.status().as_u16();
        let p = json(r).await;
        assert!(status == 422, "{p}");
        assert!(
            p["errors"].as_array().map(|e| e.iter().any(|x| x["field"] == field)).unwrap_or(false)
                || p["detail"].as_str().unwrap().contains(field.split('.').next_back().unwrap()),
            "{field}: {p}"
        );
    }
    assert_problem(app.post("/v1/quotes", &quote(json!({"deadline_ms": 5}))).await, 422, "validation_failed").await;

    let booking = |changes: serde_json::Value| {
        let mut body = ecotrack_booking(&sb.ecotrack, "HOSTILE");
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, code) in [
        (booking(json!({"offer_id": "ofr_123"})), "invalid_body"),
        (booking(json!({"options": {"delivery": {"type": "relay"}}})), "validation_failed"),
        (booking(json!({"options": {"delivery": {"type": "teleport"}}})), "invalid_body"),
        (booking(json!({"options": {"insurance": true}})), "validation_failed"),
        (booking(json!({"options": {"collection_date": "tomorrow"}})), "validation_failed"),
        (booking(json!({"reference": "x".repeat(101)})), "validation_failed"),
        (booking(json!({"service": null, "offer_id": null})), "validation_failed"),
        (booking(json!({"parcels": null})), "validation_failed"),
        (booking(json!({"carrier_account": null})), "validation_failed"),
        (booking(json!({"status": "booked"})), "invalid_body"),
    ] {
        assert_problem(app.post("/v1/shipments", &body).await, 422, code).await;
    }
    let other = app.key_for("stranger").await;
    assert_problem(app.post_as(&other, "/v1/shipments", &ecotrack_booking(&sb.ecotrack, "X")).await, 404, "not_found")
        .await;
    assert_problem(app.get("/v1/shipments/nope").await, 404, "not_found").await;
    assert_problem(app.get("/v1/offers/ofr_zz/delivery-locations").await, 404, "not_found").await;
    assert_problem(app.post("/v1/shipments/shp_00000000000000000000000000/cancel", &json!({})).await, 404, "not_found")
        .await;
    assert_problem(
        app.patch("/v1/shipments/shp_00000000000000000000000000", &json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.post("/v1/shipments/batch", &json!({"carrier_account": sb.ecotrack, "shipments": []})).await,
        422,
        "validation_failed",
    )
    .await;

    // Nothing was stored, nothing was sent.
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM shipments").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(rows, 0);
    assert_eq!(sb.admin_get("/stats").await["calls"]["ecotrack"]["total"], 0);
}
