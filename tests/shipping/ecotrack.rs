//! Ecotrack: communes checked against cached reference data, stop desks,
//! cash on delivery, dispatch ("valid"), labels, notes, return requests,
//! update and delete before pickup, and bulk creation.

use serde_json::{Value, json};

use crate::common::{assert_problem, json};
use crate::support::{alger, book, ecotrack_booking, hydra, setup};

fn sandbox_parcel<'a>(orders: &'a [Value], tracking: &str) -> &'a Value {
    orders.iter().find(|o| o["id"] == tracking).unwrap_or_else(|| panic!("{tracking} not in {orders:?}"))
}

#[tokio::test]
async fn books_dispatches_prints_and_follows_up() {
    let (app, sb) = setup().await;
    let mut body = ecotrack_booking(&sb.ecotrack, "CMD-100");
    body["recipient"]["city"] = json!("  HYDRA ");
    let shipment = book(&app, body).await;
    let id = shipment["id"].as_str().unwrap();
    let tracking = shipment["carrier_order_id"].as_str().unwrap();
    assert!(tracking.starts_with("EC"), "{tracking}");
    assert_eq!(shipment["parcels"][0]["tracking_number"], tracking);
    assert_eq!(shipment["service"]["code"], "home");
    assert_eq!(shipment["price"]["total"], json!({"amount": "400.00", "currency": "DZD"}), "Alger's home tariff");
    assert_eq!(sb.orders("ecotrack").await.len(), 1);

    let label = app.get(&format!("/v1/shipments/{id}/label")).await;
    assert_eq!(label.status(), 200);
    assert_eq!(label.headers()["content-type"], "application/pdf");
    assert!(label.bytes().await.unwrap().starts_with(b"%PDF"));

    let shipped = json(app.post(&format!("/v1/shipments/{id}/ship"), &json!({})).await).await;
    assert_eq!(shipped["status"], "dispatched");
    assert!(shipped["dispatched_at"].is_string());
    let again = json(app.post(&format!("/v1/shipments/{id}/ship"), &json!({})).await).await;
    assert_eq!(again["status"], "dispatched");
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/valid/order").await, 1);

    let r = app.post(&format!("/v1/shipments/{id}/notes"), &json!({"text": "Livraison avant 17:00 h"})).await;
    assert_eq!(r.status(), 201);
    let notes = json(app.get(&format!("/v1/shipments/{id}/notes")).await).await;
    assert_eq!(notes["data"][0]["text"], "Test Shop : Livraison avant 17:00 h");
    assert!(notes["data"][0]["created_at"].is_string());
    let r = app.post(&format!("/v1/shipments/{id}/notes"), &json!({"text": "x".repeat(256)})).await;
    assert_problem(r, 422, "validation_failed").await;

    // A return can only be asked while the parcel is out for delivery.
    let r = app.post(&format!("/v1/shipments/{id}/return"), &json!({})).await;
    let problem = assert_problem(r, 409, "carrier_refused").await;
    assert_eq!(problem["carrier"]["code"], "success_false");
    sb.advance(26 * 3600).await;
    let returned = json(app.post(&format!("/v1/shipments/{id}/return"), &json!({})).await).await;
    assert!(returned["return_requested_at"].is_string(), "{returned}");
}

#[tokio::test]
async fn stop_desks_are_locations_and_book_as_relay_delivery() {
    let (app, sb) = setup().await;
    let desks = json(app.get(&format!("/v1/stop-desks?carrier_account={}&state=16", sb.ecotrack)).await).await;
    let desks = desks["data"].as_array().unwrap();
    assert_eq!(desks.len(), 3, "Alger has three desks in the sandbox: {desks:?}");
    let desk = &desks[1];
    assert_eq!(desk["kind"], "stop_desk");
    assert_eq!(desk["carrier"], "ecotrack");
    assert_eq!(desk["address"]["state"], "16");
    assert_eq!(desk["address"]["country"], "DZ");
    let all = json(app.get(&format!("/v1/stop-desks?carrier_account={}", sb.ecotrack)).await).await;
    assert!(all["data"].as_array().unwrap().len() > 58);
    let r = app.get(&format!("/v1/stop-desks?carrier_account={}&state=99", sb.ecotrack)).await;
    assert_problem(r, 422, "carrier_rejected").await;
    assert_problem(
        app.get(&format!("/v1/stop-desks?carrier_account={}", sb.myflyingbox)).await,
        422,
        "unsupported_by_carrier",
    )
    .await;
    assert_problem(app.get("/v1/stop-desks").await, 400, "invalid_query").await;

    // The stop-desk offer lists the same desks as its delivery locations.
    let q = crate::support::quote(
        &app,
        json!({"shipper": alger(), "recipient": {"country": "DZ", "state": "16", "city": "Kouba"},
        "parcels": [crate::support::parcel()], "carrier_accounts": [sb.ecotrack]}),
    )
    .await;
    let offer = q["offers"].as_array().unwrap().iter().find(|o| o["service"]["code"] == "stop_desk").unwrap();
    let listed = json(app.get(&format!("/v1/offers/{}/delivery-locations", offer["id"].as_str().unwrap())).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);

    let mut recipient = hydra();
    recipient.as_object_mut().unwrap().remove("street");
    let shipment = book(&app, json!({"offer_id": offer["id"], "shipper": alger(), "recipient": {"name": "Karim B.", "country": "DZ", "state": "16", "city": "Kouba", "phone": "0661234567"},
        "options": {"delivery": {"type": "relay", "location_id": desk["id"]}, "cash_on_delivery": {"amount": "4200.00", "currency": "DZD"}}})).await;
    assert_eq!(shipment["service"]["code"], "stop_desk");
    let status: Value = reqwest::Client::new()
        .get(sb.url("/ecotrack/api/v1/get/orders/status"))
        .query(&[
            ("api_token", "sandbox-ecotrack-token"),
            ("trackings", shipment["carrier_order_id"].as_str().unwrap()),
            ("status", "all"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &status["data"][shipment["carrier_order_id"].as_str().unwrap()];
    assert_eq!(entry["desk_commune"], desk["address"]["city"], "{status}");
}

#[tokio::test]
async fn communes_are_checked_against_reference_data_before_any_booking() {
    let (app, sb) = setup().await;
    for (field, value, bad_field) in
        [("city", json!("Atlantis"), "recipient.city"), ("state", json!("77"), "recipient.state")]
    {
        let mut body = ecotrack_booking(&sb.ecotrack, "BAD");
        body["recipient"][field] = value;
        let problem = assert_problem(app.post("/v1/shipments", &body).await, 422, "carrier_rejected").await;
        assert_eq!(problem["errors"][0]["field"], bad_field, "{problem}");
    }
    // Abroad, customs come first: shipgate's own rule, before Ecotrack's.
    let mut body = ecotrack_booking(&sb.ecotrack, "MA");
    body["recipient"]["country"] = json!("MA");
    assert_problem(app.post("/v1/shipments", &body).await, 422, "validation_failed").await;
    let mut body = ecotrack_booking(&sb.ecotrack, "EUR");
    body["options"]["cash_on_delivery"] = json!({"amount": "20.00", "currency": "EUR"});
    let problem = assert_problem(app.post("/v1/shipments", &body).await, 422, "carrier_rejected").await;
    assert_eq!(problem["errors"][0]["field"], "options.cash_on_delivery");
    let mut body = ecotrack_booking(&sb.ecotrack, "DESK");
    body["service"] = json!("stop_desk");
    body["recipient"]["city"] = json!("Kouba");
    let problem = assert_problem(app.post("/v1/shipments", &body).await, 422, "carrier_rejected").await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("no stop desk"), "{problem}");
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/order").await, 0);
    // Failed bookings are kept, with their reason, and never sent.
    let failed = json(app.get("/v1/shipments?status=failed").await).await;
    assert_eq!(failed["data"].as_array().unwrap().len(), 4);
    assert_eq!(failed["data"][0]["last_error"]["code"], "carrier_rejected");
    assert_eq!(failed["data"][0]["last_error"]["retryable"], false);
}

#[tokio::test]
async fn update_and_delete_only_before_pickup() {
    let (app, sb) = setup().await;
    let first = book(&app, ecotrack_booking(&sb.ecotrack, "UPD")).await;
    let id = first["id"].as_str().unwrap();
    let tracking = first["carrier_order_id"].as_str().unwrap().to_owned();
    let mut recipient = hydra();
    recipient["city"] = json!("cheraga");
    let changed = json(
        app.patch(
            &format!("/v1/shipments/{id}"),
            &json!({"recipient": recipient, "cash_on_delivery": {"amount": "3000.00", "currency": "DZD"}}),
        )
        .await,
    )
    .await;
    assert_eq!(changed["options"]["cash_on_delivery"]["amount"], "3000.00", "{changed}");
    let listed: Value = reqwest::Client::new()
        .get(sb.url("/ecotrack/api/v1/get/orders"))
        .bearer_auth("sandbox-ecotrack-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let order = listed["data"].as_array().unwrap().iter().find(|o| o["tracking"] == tracking.as_str()).unwrap();
    assert_eq!(order["commune"], "Chéraga");
    assert_eq!(order["montant"], "3000.00");
    let cancelled = json(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert!(sb.orders("ecotrack").await.iter().all(|o| o["id"] != tracking.as_str()), "deleted upstream");

    // Picked up: too late for both.
    let second = book(&app, ecotrack_booking(&sb.ecotrack, "LATE")).await;
    let id = second["id"].as_str().unwrap();
    app.post(&format!("/v1/shipments/{id}/ship"), &json!({})).await;
    sb.advance(4 * 3600).await;
    assert_problem(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await, 409, "carrier_refused").await;
    assert_problem(
        app.patch(&format!("/v1/shipments/{id}"), &json!({"instructions": "x"})).await,
        409,
        "carrier_refused",
    )
    .await;
    let orders = sb.orders("ecotrack").await;
    assert_eq!(sandbox_parcel(&orders, second["carrier_order_id"].as_str().unwrap())["state"], "vers_hub");
}

#[tokio::test]
async fn batch_books_many_in_one_call_with_results_per_item() {
    let (app, sb) = setup().await;
    let item = |reference: &str, city: &str| {
        let mut b = ecotrack_booking(&sb.ecotrack, reference);
        b["recipient"]["city"] = json!(city);
        let o = b.as_object_mut().unwrap();
        o.remove("carrier_account");
        Value::Object(o.clone())
    };
    let mut no_phone = item("B-4", "Kouba");
    no_phone["recipient"].as_object_mut().unwrap().remove("phone");
    let body = json!({"carrier_account": sb.ecotrack, "shipments": [item("B-1", "Hydra"), item("B-2", "Atlantis"), item("B-3", "Kouba"), no_phone]});
    let r = app.post("/v1/shipments/batch", &body).await;
    assert_eq!(r.status(), 200);
    let results = json(r).await["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["shipment"]["status"], "booked");
    assert_eq!(results[0]["shipment"]["price"]["total"]["currency"], "DZD");
    assert_eq!(results[1]["error"]["code"], "carrier_rejected");
    assert_eq!(results[1]["error"]["errors"][0]["field"], "recipient.city");
    assert_eq!(results[2]["shipment"]["status"], "booked");
    assert_eq!(results[3]["error"]["code"], "validation_failed");
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/orders").await, 1);
    assert_eq!(sb.calls("ecotrack", "POST /api/v1/create/order").await, 0);
    assert_eq!(sb.orders("ecotrack").await.len(), 2);

    let too_many = json!({"carrier_account": sb.ecotrack, "shipments": vec![item("X", "Hydra"); 101]});
    assert_problem(app.post("/v1/shipments/batch", &too_many).await, 422, "validation_failed").await;
    let mfb = json!({"carrier_account": sb.myflyingbox, "shipments": [item("M", "Hydra")]});
    assert_problem(app.post("/v1/shipments/batch", &mfb).await, 422, "unsupported_by_carrier").await;
}
