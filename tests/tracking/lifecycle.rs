//! A sandbox parcel of each carrier, moved along its lifecycle with the
//! sandbox clock, shows the right normalized statuses and its complete
//! history in shipgate.

use serde_json::json;

use crate::common::{assert_problem, json};
use crate::helpers::{journey, refreshed, track, tracker_of};
use crate::support::{book, ecotrack_booking, ecourier_booking, nice, parcel, setup, toulouse};

#[tokio::test]
async fn an_ecotrack_cash_on_delivery_parcel_from_booking_to_payment() {
    let (app, sb) = setup().await;
    let shipment = book(&app, ecotrack_booking(&sb.ecotrack, "CMD-1-sbx-cod")).await;
    let sid = shipment["id"].as_str().unwrap();
    let tracker = tracker_of(&app, sid).await;
    assert_eq!(tracker["origin"], "shipment");
    assert_eq!(tracker["status"], "unknown", "not checked yet");
    assert_eq!(tracker["tracking_number"], shipment["carrier_order_id"]);
    let id = tracker["id"].as_str().unwrap().to_owned();

    let t = refreshed(&app, &id).await;
    assert_eq!(t["status"], "pre_transit", "{t}");
    let r = app.post(&format!("/v1/shipments/{sid}/ship"), &json!({})).await;
    assert_eq!(r.status(), 200);
    sb.advance(200 * 60).await;
    assert_eq!(refreshed(&app, &id).await["status"], "picked_up");
    sb.advance(1400 * 60).await;
    assert_eq!(refreshed(&app, &id).await["status"], "out_for_delivery");
    sb.advance(300 * 60).await;
    let delivered = refreshed(&app, &id).await;
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["cash_on_delivery"]["collected"], false);
    assert_eq!(delivered["cash_on_delivery"]["amount"], json!({"amount": "2500.00", "currency": "DZD"}));
    sb.advance(1500 * 60).await;
    let collected = refreshed(&app, &id).await;
    assert_eq!(collected["status"], "delivered");
    assert_eq!(collected["cash_on_delivery"]["collected"], true, "{collected}");
    sb.advance(4000 * 60).await;
    let paid = refreshed(&app, &id).await;
    assert_eq!(paid["cash_on_delivery"]["remitted"], true);
    assert_eq!(journey(&paid), ["pre_transit", "picked_up", "in_transit", "out_for_delivery", "delivered"]);
    let codes: Vec<&str> = paid["events"].as_array().unwrap().iter().map(|e| e["raw_code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "order_information_received_by_carrier",
            "picked",
            "accepted_by_carrier",
            "dispatched_to_driver",
            "livred",
            "encaissed",
            "payed"
        ]
    );
    // Asking again adds nothing: events are deduplicated.
    assert_eq!(refreshed(&app, &id).await["events"], paid["events"]);
}

#[tokio::test]
async fn a_my_flying_box_parcel_with_a_failed_attempt() {
    let (app, sb) = setup().await;
    let mut body = json!({"carrier_account": sb.myflyingbox, "service": "colissimo_home", "shipper": toulouse(),
                          "recipient": nice(), "parcels": [parcel()], "reference": "ORD-9-sbx-failed_attempt"});
    body["parcels"][0]["weight"] = json!("1.5");
    let shipment = book(&app, body).await;
    let id = tracker_of(&app, shipment["id"].as_str().unwrap()).await["id"].as_str().unwrap().to_owned();
    assert_eq!(refreshed(&app, &id).await["status"], "pre_transit");
    sb.advance(1810 * 60).await;
    let failed = refreshed(&app, &id).await;
    assert_eq!(failed["status"], "delivery_failed", "{failed}");
    let last = failed["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["raw_code"], "delivery_exception");
    assert!(last["description"].as_str().unwrap().contains("not available"), "{last}");
    sb.advance(2000 * 60).await;
    let done = refreshed(&app, &id).await;
    assert_eq!(done["status"], "delivered");
    assert!(done["proof_of_delivery"]["delivered_at"].is_string());
    let j = journey(&done);
    assert_eq!(j.first().unwrap(), "pre_transit");
    assert!(j.contains(&"delivery_failed".to_owned()) && j.ends_with(&["delivered".to_owned()]), "{j:?}");
}

#[tokio::test]
async fn an_ecourier_job_ends_with_a_signed_proof_of_delivery() {
    let (app, sb) = setup().await;
    let shipment = book(&app, ecourier_booking(&sb.ecourier, "Route")).await;
    let id = tracker_of(&app, shipment["id"].as_str().unwrap()).await["id"].as_str().unwrap().to_owned();
    assert_eq!(refreshed(&app, &id).await["status"], "pre_transit");
    sb.advance(3 * 24 * 3600).await;
    let done = refreshed(&app, &id).await;
    assert_eq!(done["status"], "delivered", "{done}");
    let pod = &done["proof_of_delivery"];
    assert!(pod["signed_by"].is_string());
    assert!(pod["signature"].as_str().unwrap().starts_with("data:image/png;base64,"));
    assert_eq!(journey(&done).first().unwrap(), "pre_transit");
    assert!(journey(&done).contains(&"picked_up".to_owned()));
}

#[tokio::test]
async fn a_coursier_mission_replanned_after_a_failed_load_has_two_legs() {
    let (app, sb) = setup().await;
    let mission = sb.admin_post("/coursier_fr/missions", json!({"reference": "M-sbx-failed_load"})).await;
    let number = mission["MissionNumber"].as_str().unwrap().to_owned();
    let r = track(&app, &sb.coursier_fr, &number).await;
    assert_eq!(r.status(), 201);
    let id = json(r).await["id"].as_str().unwrap().to_owned();
    let first = refreshed(&app, &id).await;
    assert_eq!(first["status"], "pre_transit", "{first}");
    // Past the first pickup window: the load failed, a second leg is planned.
    sb.advance(3 * 3600).await;
    let replanned = refreshed(&app, &id).await;
    assert_eq!(replanned["legs"].as_array().unwrap().len(), 2, "{replanned}");
    assert_eq!(replanned["legs"][0]["status"], "delivery_failed");
    sb.advance(2 * 24 * 3600).await;
    let done = refreshed(&app, &id).await;
    assert_eq!(done["status"], "delivered", "{done}");
    assert!(done["proof_of_delivery"]["signed_by"].is_string());
    assert!(done["events"].as_array().unwrap().iter().any(|e| e["leg"] == 2));

    // An unknown mission is tracked but marked as not found.
    let r = track(&app, &sb.coursier_fr, "99999999").await;
    let unknown = json(r).await["id"].as_str().unwrap().to_owned();
    let t = refreshed(&app, &unknown).await;
    assert!(t["not_found_since"].is_string(), "{t}");
    assert_eq!(t["last_error"]["code"], "tracking_number_not_found");
    assert_problem(app.get("/v1/trackers/trk_nope?refresh=true").await, 404, "not_found").await;
}
