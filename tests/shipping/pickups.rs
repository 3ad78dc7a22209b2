//! Delayed pickups with My Flying Box: booked now, truck ordered later, the
//! carrier's confirmation arriving later still.

use serde_json::json;

use crate::common::{assert_problem, json};
use crate::support::{book, books, london, nice, parcel, post_with_key, setup, toulouse};

fn export(account: &str, delayed: bool) -> serde_json::Value {
    let mut p = parcel();
    p["customs"] = books();
    json!({"carrier_account": account, "service": "dhl_worldwide_express", "shipper": toulouse(), "recipient": london(),
           "parcels": [p], "options": {"delayed_pickup": delayed}})
}

#[tokio::test]
async fn a_delayed_pickup_is_requested_then_confirmed_by_the_carrier() {
    let (app, sb) = setup().await;
    let shipment = book(&app, export(&sb.myflyingbox, true)).await;
    let sid = shipment["id"].as_str().unwrap();
    let ask = json!({"shipment_id": sid, "collection_date": "2030-01-15", "instructions": "Loading bay B"});
    let r = post_with_key(&app, "/v1/pickups", "pickup-1", &ask).await;
    assert_eq!(r.status(), 201);
    let pickup = json(r).await;
    let id = pickup["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pck_"));
    assert_eq!(pickup["status"], "requested");
    assert!(pickup["reference"].as_str().unwrap().starts_with("MFB-PU-"));
    assert!(pickup.get("supplier_reference").is_none());
    assert_eq!(pickup["price"], json!({"amount": "12.00", "currency": "EUR"}));
    assert_eq!(pickup["address"]["city"], "Toulouse", "defaults to the shipper");
    assert_eq!(pickup["shipment_id"], sid);
    let replay = post_with_key(&app, "/v1/pickups", "pickup-1", &ask).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");

    // Not confirmed yet: reading asks the carrier again.
    assert_eq!(json(app.get(&format!("/v1/pickups/{id}")).await).await["status"], "requested");
    sb.advance(31 * 60).await;
    let confirmed = json(app.get(&format!("/v1/pickups/{id}")).await).await;
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["supplier_reference"].as_str().unwrap().len(), 9);
    json(app.get(&format!("/v1/pickups/{id}")).await).await;
    assert_eq!(sb.calls("myflyingbox", "GET /pickups/{id}").await, 2, "confirmed pickups are read from Postgres");

    // One truck per shipment.
    assert_problem(
        app.post("/v1/pickups", &json!({"shipment_id": sid, "collection_date": "2030-01-16"})).await,
        409,
        "pickup_exists",
    )
    .await;
    let listed = json(app.get(&format!("/v1/pickups?shipment_id={sid}")).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(sb.calls("myflyingbox", "POST /pickups").await, 1);
}

#[tokio::test]
async fn pickups_need_a_delayed_booking_and_valid_input() {
    let (app, sb) = setup().await;
    let shipment = book(&app, export(&sb.myflyingbox, false)).await;
    let sid = shipment["id"].as_str().unwrap();
    let r = app.post("/v1/pickups", &json!({"shipment_id": sid, "collection_date": "2030-01-15"})).await;
    assert_problem(r, 409, "pickup_not_delayed").await;
    let r = app.post("/v1/pickups", &json!({"shipment_id": sid, "collection_date": "next tuesday"})).await;
    let problem = assert_problem(r, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "collection_date");
    let r = app
        .post("/v1/pickups", &json!({"shipment_id": "shp_00000000000000000000000000", "collection_date": "2030-01-15"}))
        .await;
    assert_problem(r, 404, "not_found").await;
    assert_problem(app.get("/v1/pickups/pck_00000000000000000000000000").await, 404, "not_found").await;
    // A delayed pickup needs a product that supports it: My Flying Box refuses the others.
    let mut body = json!({"carrier_account": sb.myflyingbox, "service": "colissimo_home", "shipper": toulouse(), "recipient": nice(),
        "parcels": [parcel()], "options": {"delayed_pickup": true}});
    let problem = assert_problem(app.post("/v1/shipments", &body).await, 422, "carrier_rejected").await;
    assert_eq!(problem["errors"][0]["field"], "delay_pickup_order");
    body["service"] = json!("ups_standard");
    book(&app, body).await;
    assert_eq!(sb.calls("myflyingbox", "POST /pickups").await, 0);
}
