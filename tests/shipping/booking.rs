//! Booking with My Flying Box: from an offer, by service code, `cheapest`
//! (orders/automatic), `fastest`; labels; cancellation; relay points;
//! customs; booking options reaching the carrier; listing.

use serde_json::{Value, json};
use shipgate::sandbox::demo_credentials;

use crate::common::{assert_problem, json};
use crate::sandboxed::Sandboxed;
use crate::support::{assert_money, book, books, london, nice, parcel, quote, setup, toulouse};

/// The order as My Flying Box holds it (read straight from the sandbox).
async fn mfb_order(sb: &Sandboxed, id: &str) -> Value {
    let demo = demo_credentials().myflyingbox;
    let r = reqwest::Client::new()
        .get(sb.url(&format!("/myflyingbox/v2/orders/{id}")))
        .basic_auth(demo.login, Some(demo.password))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["data"].clone()
}

#[tokio::test]
async fn book_the_cheapest_offer_fetch_its_label_and_cancel_it() {
    let (app, sb) = setup().await;
    let q = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel(), parcel()],
        "carrier_accounts": [sb.myflyingbox], "filters": {"delivery_type": "home"}}),
    )
    .await;
    let cheapest = &q["offers"][0];
    let shipment = book(
        &app,
        json!({"offer_id": cheapest["id"], "shipper": toulouse(), "recipient": nice(), "reference": "ORDER-1"}),
    )
    .await;
    let id = shipment["id"].as_str().unwrap();
    assert!(id.starts_with("shp_"));
    assert_eq!(shipment["carrier"], "myflyingbox");
    assert_eq!(shipment["service"]["code"], cheapest["service"]["code"]);
    assert_eq!(shipment["offer_id"], cheapest["id"]);
    assert_eq!(shipment["price"]["total"], cheapest["price"]["total"]);
    assert_money(&shipment["price"]["tax"]);
    let order = shipment["carrier_order_id"].as_str().unwrap();
    // Both parcels are tracked through the order (what the tracker needs).
    let parcels = shipment["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 2);
    assert!(parcels.iter().all(|p| p["tracking_number"] == order));
    assert_eq!(mfb_order(&sb, order).await["state"], "created");

    // The carrier needs a moment for labels: 409 with Retry-After, then the PDF, stored once.
    let r = app.get(&format!("/v1/shipments/{id}/label")).await;
    assert!(r.headers().contains_key("retry-after"));
    let problem = assert_problem(r, 409, "label_not_ready").await;
    assert_eq!(problem["carrier"]["code"], "labels_not_ready");
    sb.advance(15).await;
    let r = app.get(&format!("/v1/shipments/{id}/label")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let again = app.get(&format!("/v1/shipments/{id}/label")).await.bytes().await.unwrap();
    assert_eq!(pdf, again);
    assert_eq!(sb.calls("myflyingbox", "GET /orders/{id}/labels").await, 2, "not ready once, then fetched once");

    let cancelled = json(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(mfb_order(&sb, order).await["state"], "cancelled");
    let twice = json(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await).await;
    assert_eq!(twice["status"], "cancelled");
    assert_eq!(sb.calls("myflyingbox", "PUT /orders/{id}/cancel").await, 1);
    // Cancelled before its label was printed: no label any more.
    let other = book(&app, json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]})).await;
    let oid = other["id"].as_str().unwrap();
    app.post(&format!("/v1/shipments/{oid}/cancel"), &json!({})).await;
    assert_problem(app.get(&format!("/v1/shipments/{oid}/label")).await, 409, "shipment_not_live").await;
}

#[tokio::test]
async fn a_shipped_order_cannot_be_cancelled() {
    let (app, sb) = setup().await;
    let shipment = book(&app, json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]})).await;
    sb.advance(3 * 3600).await;
    let r = app.post(&format!("/v1/shipments/{}/cancel", shipment["id"].as_str().unwrap()), &json!({})).await;
    // My Flying Box refuses with HTTP 200 and `status: failure`.
    let problem = assert_problem(r, 409, "carrier_refused").await;
    assert_eq!(problem["carrier"]["code"], "order_not_cancellable");
    assert_eq!(problem["carrier"]["http_status"], 200);
    let after = json(app.get(&format!("/v1/shipments/{}", shipment["id"].as_str().unwrap())).await).await;
    assert_eq!(after["status"], "booked");
}

#[tokio::test]
async fn cheapest_is_booked_by_my_flying_box_in_one_call_fastest_by_quote() {
    let (app, sb) = setup().await;
    let expected = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "carrier_accounts": [sb.myflyingbox], "filters": {"delivery_type": "home"}}),
    )
    .await;
    let calls_before = sb.calls("myflyingbox", "POST /quotes").await;
    let shipment = book(&app, json!({"carrier_account": sb.myflyingbox, "service": "cheapest", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]})).await;
    assert_eq!(shipment["service"]["code"], expected["offers"][0]["service"]["code"]);
    assert_eq!(sb.calls("myflyingbox", "POST /orders/automatic").await, 1);
    assert_eq!(
        sb.calls("myflyingbox", "POST /quotes").await,
        calls_before,
        "orders/automatic quotes and orders in one call"
    );
    assert_money(&shipment["price"]["total"]);

    // Fastest: shipgate quotes, then books the offer with the shortest delivery.
    let fastest = book(&app, json!({"carrier_account": sb.myflyingbox, "service": "fastest", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]})).await;
    assert_eq!(fastest["service"]["code"], "colissimo_home", "48 h, the fastest home service in France");
    assert!(fastest["offer_id"].as_str().unwrap().starts_with("ofr_"));
    assert_eq!(sb.calls("myflyingbox", "POST /orders").await, 1);

    // Without an account, `cheapest` asks every carrier and books the best offer.
    let any =
        book(&app, json!({"service": "cheapest", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]}))
            .await;
    assert!(any["offer_id"].is_string());
}

#[tokio::test]
async fn customs_are_required_across_a_border_and_reach_the_carrier() {
    let (app, sb) = setup().await;
    let mut body = json!({"carrier_account": sb.myflyingbox, "service": "dhl_worldwide_express", "shipper": toulouse(), "recipient": london(),
        "parcels": [parcel()], "reference": "EXPORT-9",
        "options": {"thermal_labels": true, "insurance": true, "declared_value": {"amount": "300.00", "currency": "EUR"}, "collection_date": "2030-01-15"}});
    let r = app.post("/v1/shipments", &body).await;
    let problem = assert_problem(r, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "parcels[0].customs");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("FR to GB"));
    assert_eq!(sb.orders("myflyingbox").await.len(), 0);

    body["parcels"][0]["customs"] = books();
    body["parcels"][0]["shipper_reference"] = json!("4684-0770");
    body["parcels"][0]["recipient_reference"] = json!("AB-3072");
    let shipment = book(&app, body).await;
    assert!(shipment["price"]["insurance"].is_object(), "{shipment}");
    let order = mfb_order(&sb, shipment["carrier_order_id"].as_str().unwrap()).await;
    let p = &order["parcels"][0];
    assert_eq!(
        (&p["value"], &p["currency"], &p["description"], &p["country_of_origin"]),
        (&json!("45"), &json!("EUR"), &json!("Books"), &json!("FR"))
    );
    assert_eq!((&p["shipper_reference"], &p["recipient_reference"]), (&json!("4684-0770"), &json!("AB-3072")));
    assert_eq!(order["thermal_labels"], true);
    assert_eq!(order["insure_shipment"], true);
    assert_eq!(order["collection_date"], "2030-01-15");
}

#[tokio::test]
async fn relay_points_and_drop_off_points_then_booking_to_a_relay() {
    let (app, sb) = setup().await;
    let q = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "carrier_accounts": [sb.myflyingbox]})).await;
    let offers = q["offers"].as_array().unwrap();
    let relay = offers.iter().find(|o| o["service"]["code"] == "chronopost_relais").unwrap();
    let home = offers.iter().find(|o| o["delivery_type"] == "home").unwrap();
    let oid = relay["id"].as_str().unwrap();

    let points = json(app.get(&format!("/v1/offers/{oid}/delivery-locations")).await).await;
    let points = points["data"].as_array().unwrap();
    assert!(!points.is_empty());
    let point = &points[0];
    assert_eq!(point["kind"], "relay_point");
    assert_eq!(point["carrier"], "myflyingbox");
    assert!(
        point["name"].is_string() && point["address"]["city"] == "Nice" && point["address"]["postal_code"] == "06000"
    );
    assert!(point["coordinates"]["latitude"].is_number() && point["coordinates"]["longitude"].is_number());
    assert_eq!(point["opening_hours"][0], json!({"day": 1, "hours": "09:00-12:00 15:15-19:00"}));
    let near = json(app.get(&format!("/v1/offers/{oid}/delivery-locations?postal_code=06100&city=Nice")).await).await;
    assert_eq!(near["data"][0]["address"]["postal_code"], "06100");
    let drop = json(app.get(&format!("/v1/offers/{oid}/drop-off-locations")).await).await;
    assert_eq!(drop["data"][0]["kind"], "drop_off_point");
    assert_eq!(drop["data"][0]["address"]["city"], "Toulouse");
    let none = json(app.get(&format!("/v1/offers/{}/delivery-locations", home["id"].as_str().unwrap())).await).await;
    assert_eq!(none["data"], json!([]));

    // A relay offer needs a relay delivery; the recipient needs no street then.
    let mut recipient = nice();
    recipient.as_object_mut().unwrap().remove("street");
    let r = app.post("/v1/shipments", &json!({"offer_id": oid, "shipper": toulouse(), "recipient": recipient})).await;
    assert_problem(r, 422, "offer_mismatch").await;
    let shipment = book(
        &app,
        json!({"offer_id": oid, "shipper": toulouse(), "recipient": recipient,
        "options": {"delivery": {"type": "relay", "location_id": point["id"]}}}),
    )
    .await;
    let order = mfb_order(&sb, shipment["carrier_order_id"].as_str().unwrap()).await;
    assert_eq!(order["recipient"]["location_code"], point["id"]);
    assert_eq!(shipment["options"]["delivery"], json!({"type": "relay", "location_id": point["id"]}));
}

#[tokio::test]
async fn an_offer_books_only_the_quoted_shipment_and_only_while_valid() {
    let (app, sb) = setup().await;
    let q = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "carrier_accounts": [sb.myflyingbox], "filters": {"delivery_type": "home"}})).await;
    let offer = q["offers"][0]["id"].as_str().unwrap().to_owned();
    let mut elsewhere = nice();
    elsewhere["postal_code"] = json!("06100");
    let r = app.post("/v1/shipments", &json!({"offer_id": offer, "shipper": toulouse(), "recipient": elsewhere})).await;
    assert_problem(r, 422, "offer_mismatch").await;
    let r = app
        .post(
            "/v1/shipments",
            &json!({"offer_id": offer, "shipper": toulouse(), "recipient": nice(), "parcels": [parcel(), parcel()]}),
        )
        .await;
    assert_problem(r, 422, "offer_mismatch").await;
    let r = app
        .post(
            "/v1/shipments",
            &json!({"offer_id": offer, "carrier_account": sb.ecotrack, "shipper": toulouse(), "recipient": nice()}),
        )
        .await;
    assert_problem(r, 422, "offer_mismatch").await;

    // Expired offers are refused before the carrier is called.
    sqlx::query("UPDATE offers SET offer = jsonb_set(offer, '{offer,expires_at}', '\"2020-01-01T00:00:00Z\"')")
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = app.post("/v1/shipments", &json!({"offer_id": offer, "shipper": toulouse(), "recipient": nice()})).await;
    assert_problem(r, 422, "offer_expired").await;
    assert_eq!(sb.orders("myflyingbox").await.len(), 0);
}

#[tokio::test]
async fn shipments_list_with_filters_and_cursor_pagination() {
    let (app, sb) = setup().await;
    let mut ids = Vec::new();
    for reference in ["A-1", "A-2", "B-1"] {
        let s = book(&app, crate::support::ecotrack_booking(&sb.ecotrack, reference)).await;
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    let page = json(app.get("/v1/shipments?limit=2").await).await;
    let got: Vec<&str> = page["data"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let next = page["next_cursor"].as_str().unwrap();
    let page2 = json(app.get(&format!("/v1/shipments?limit=2&cursor={next}")).await).await;
    assert_eq!(page2["data"][0]["id"], ids[0].as_str());
    assert!(page2.get("next_cursor").is_none());

    let by_ref = json(app.get("/v1/shipments?reference=A-2").await).await;
    assert_eq!(by_ref["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        json(app.get("/v1/shipments?status=booked&carrier=ecotrack").await).await["data"].as_array().unwrap().len(),
        3
    );
    assert_eq!(json(app.get("/v1/shipments?status=cancelled").await).await["data"], json!([]));
    assert_eq!(
        json(app.get(&format!("/v1/shipments?carrier_account={}", sb.myflyingbox)).await).await["data"],
        json!([])
    );
    assert_eq!(json(app.get("/v1/shipments?created_from=2999-01-01T00:00:00Z").await).await["data"], json!([]));
    assert_eq!(
        json(app.get("/v1/shipments?created_to=2999-01-01T00:00:00Z").await).await["data"].as_array().unwrap().len(),
        3
    );
    assert_problem(app.get("/v1/shipments?status=shipped").await, 400, "invalid_query").await;
    assert_problem(app.get("/v1/shipments?created_from=yesterday").await, 400, "invalid_query").await;
    assert_problem(app.get("/v1/shipments?cursor=shp_nope").await, 400, "invalid_query").await;
    // Another tenant sees none of them.
    let other = app.key_for("other-shop").await;
    assert_eq!(json(app.get_as(&other, "/v1/shipments").await).await["data"], json!([]));
    assert_problem(app.get_as(&other, &format!("/v1/shipments/{}", ids[0])).await, 404, "not_found").await;
}
