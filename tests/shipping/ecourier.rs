//! e-Courier: our own OrderNumber, read back for its price; changes and
//! cancellation through SaveOrder, refused with 409 once picked up; what
//! e-Courier lacks answers `unsupported_by_carrier`.

use serde_json::{Value, json};
use shipgate::sandbox::demo_credentials;

use crate::common::{assert_problem, json};
use crate::sandboxed::Sandboxed;
use crate::support::{book, ecourier_booking, setup};

/// GetJsonOrder straight from the sandbox, logged in as the demo account.
async fn ecourier_order(sb: &Sandboxed, number: &str) -> Value {
    let demo = demo_credentials().ecourier;
    let base = sb.url(&format!("/ecourier/{}/software/xml/ecJsonPost.asmx", demo.website));
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/Login"))
        .json(&json!({"website": demo.website, "username": demo.username, "password": demo.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guid = login["UserGUID"].as_str().unwrap().to_owned();
    client
        .post(format!("{base}/GetJsonOrder"))
        .header("UserGUID", guid)
        .json(&json!({"OrderNumber": number}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn books_with_our_order_number_changes_and_cancels() {
    let (app, sb) = setup().await;
    let shipment = book(&app, ecourier_booking(&sb.ecourier, "Rush")).await;
    let id = shipment["id"].as_str().unwrap();
    // Our reference is the OrderNumber: a lost answer can be found again with GetJsonOrder.
    assert_eq!(shipment["carrier_order_id"], shipment["carrier_reference"]);
    assert_eq!(shipment["parcels"][0]["tracking_number"], shipment["carrier_reference"]);
    assert_eq!(
        shipment["price"]["total"],
        json!({"amount": "65.00", "currency": "USD"}),
        "Rush: $55 + $10 a piece, read back"
    );
    let number = shipment["carrier_order_id"].as_str().unwrap();
    let order = ecourier_order(&sb, number).await;
    assert_eq!(order["Order"]["@OrderNumber"], number);
    assert_eq!(order["Order"]["@CustomerCode"], "Alpha");
    assert_eq!(order["Order"]["@OtherReference"], "PO-7781");

    let mut recipient = ecourier_booking(&sb.ecourier, "Rush")["recipient"].clone();
    recipient["street"] = json!("100 Main St");
    let changed = json(
        app.patch(&format!("/v1/shipments/{id}"), &json!({"recipient": recipient, "instructions": "Front desk"})).await,
    )
    .await;
    assert_eq!(changed["recipient"]["street"], "100 Main St");
    assert_eq!(changed["options"]["instructions"], "Front desk");
    let order = ecourier_order(&sb, number).await;
    let stops = order["Order"]["Stops"]["Stop"].as_array().unwrap();
    assert_eq!(stops[1]["@Address"], "100 Main St");
    assert_eq!(sb.orders("ecourier").await.len(), 1, "SaveOrder with our OrderNumber updates, never duplicates");

    let cancelled = json(app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(ecourier_order(&sb, number).await["Order"]["@OrderStatus"], "X");
}

#[tokio::test]
async fn once_picked_up_the_customer_rules_refuse_changes_and_cancellation() {
    let (app, sb) = setup().await;
    let shipment = book(&app, ecourier_booking(&sb.ecourier, "Standard")).await;
    let id = shipment["id"].as_str().unwrap();
    sb.advance(80 * 60).await;
    let r = app.post(&format!("/v1/shipments/{id}/cancel"), &json!({})).await;
    let problem = assert_problem(r, 409, "carrier_refused").await;
    assert_eq!(problem["carrier"]["http_status"], 409);
    assert_eq!(problem["carrier"]["message"], "Order Unable to Cancel");
    let r = app.patch(&format!("/v1/shipments/{id}"), &json!({"instructions": "late"})).await;
    let problem = assert_problem(r, 409, "carrier_refused").await;
    assert_eq!(problem["carrier"]["message"], "Order Unable to Modify");
    assert_eq!(json(app.get(&format!("/v1/shipments/{id}")).await).await["status"], "booked");
}

#[tokio::test]
async fn what_e_courier_lacks_is_unsupported_by_carrier() {
    let (app, sb) = setup().await;
    let shipment = book(&app, ecourier_booking(&sb.ecourier, "Economy")).await;
    let id = shipment["id"].as_str().unwrap();
    for (path, body) in [("ship", json!({})), ("notes", json!({"text": "hi"})), ("return", json!({}))] {
        let r = app.post(&format!("/v1/shipments/{id}/{path}"), &body).await;
        let problem = assert_problem(r, 422, "unsupported_by_carrier").await;
        assert_eq!(problem["carrier"]["carrier"], "ecourier");
    }
    assert_problem(app.get(&format!("/v1/shipments/{id}/label")).await, 422, "unsupported_by_carrier").await;
    assert_problem(app.get(&format!("/v1/shipments/{id}/notes")).await, 422, "unsupported_by_carrier").await;
    let r = app.post("/v1/pickups", &json!({"shipment_id": id, "collection_date": "2030-01-15"})).await;
    assert_problem(r, 422, "unsupported_by_carrier").await;
    let batch = json!({"carrier_account": sb.ecourier, "shipments": [{"service": "Rush", "shipper": ecourier_booking(&sb.ecourier, "Rush")["shipper"], "recipient": ecourier_booking(&sb.ecourier, "Rush")["recipient"], "parcels": [crate::support::parcel()]}]});
    assert_problem(app.post("/v1/shipments/batch", &batch).await, 422, "unsupported_by_carrier").await;
    let r = app.get(&format!("/v1/stop-desks?carrier_account={}", sb.ecourier)).await;
    assert_problem(r, 422, "unsupported_by_carrier").await;
    // Coursier.fr has no shipping API at all.
    let mut body = ecourier_booking(&sb.coursier_fr, "Rush");
    body["carrier_account"] = json!(sb.coursier_fr);
    let problem = assert_problem(app.post("/v1/shipments", &body).await, 422, "unsupported_by_carrier").await;
    assert_eq!(problem["carrier"]["carrier"], "coursier_fr");
    assert_eq!(sb.admin_get("/stats").await["calls"]["coursier_fr"]["total"], 0);
}
