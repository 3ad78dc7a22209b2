//! Issue 5's "Done when", as a new user would try it: quote across all
//! carriers, book the cheapest, fetch its label, cancel another, book a
//! pickup, list relay points.

use serde_json::json;

use crate::common::json;
use crate::support::{book, books, ecourier_booking, london, nice, parcel, quote, setup, toulouse};

#[tokio::test]
async fn quote_book_label_cancel_pickup_relay_points() {
    let (app, sb) = setup().await;
    // 1. One quote, every carrier that quotes.
    let q = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "filters": {"delivery_type": "home"}})).await;
    let carriers: std::collections::BTreeSet<&str> =
        q["offers"].as_array().unwrap().iter().map(|o| o["carrier"].as_str().unwrap()).collect();
    assert_eq!(carriers.into_iter().collect::<Vec<_>>(), ["ecourier", "myflyingbox"]);
    assert_eq!(q["errors"][0]["carrier"], "ecotrack");

    // 2. Book the cheapest.
    let cheapest = &q["offers"][0];
    let shipment = book(
        &app,
        json!({"offer_id": cheapest["id"], "shipper": toulouse(), "recipient": nice(), "reference": "WALK-1"}),
    )
    .await;
    let id = shipment["id"].as_str().unwrap();

    // 3. Its label, once the carrier has it.
    let mut label = app.get(&format!("/v1/shipments/{id}/label")).await;
    if label.status() == 409 {
        let wait: i64 = label.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        sb.advance(wait.max(10)).await;
        label = app.get(&format!("/v1/shipments/{id}/label")).await;
    }
    assert_eq!(label.status(), 200);
    assert!(label.bytes().await.unwrap().starts_with(b"%PDF"));

    // 4. Cancel another.
    let other = book(&app, ecourier_booking(&sb.ecourier, "Standard")).await;
    let cancelled =
        json(app.post(&format!("/v1/shipments/{}/cancel", other["id"].as_str().unwrap()), &json!({})).await).await;
    assert_eq!(cancelled["status"], "cancelled");

    // 5. A pickup for a shipment booked with delayed pickup.
    let mut p = parcel();
    p["customs"] = books();
    let export = book(&app, json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": london(),
        "parcels": [p], "options": {"delayed_pickup": true}})).await;
    let r = app.post("/v1/pickups", &json!({"shipment_id": export["id"], "collection_date": "2030-01-15"})).await;
    assert_eq!(r.status(), 201);

    // 6. Relay points of a relay offer, and Ecotrack stop desks.
    let relay = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "filters": {"delivery_type": "relay"}})).await;
    let points =
        json(app.get(&format!("/v1/offers/{}/delivery-locations", relay["offers"][0]["id"].as_str().unwrap())).await)
            .await;
    assert!(!points["data"].as_array().unwrap().is_empty());
    let desks = json(app.get(&format!("/v1/stop-desks?carrier_account={}&state=31", sb.ecotrack)).await).await;
    assert!(!desks["data"].as_array().unwrap().is_empty());
    assert!(desks["data"].as_array().unwrap().iter().all(|d| d["kind"] == "stop_desk"));
}
