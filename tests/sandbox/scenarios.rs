//! Every supported scenario of every carrier, chosen by reference, run to its end.

use serde_json::{Value, json};
use shipgate::sandbox::demo_credentials;

use crate::common::*;

#[tokio::test]
async fn myflyingbox_scenarios_end_as_designed() {
    use crate::myflyingbox::{get, offer_of, parcel, post, quote};
    let sb = start().await;
    let q = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(1.0)]).await;
    let offer = offer_of(&q, "ups_standard")["id"].clone();
    let cases = [
        ("delivered", "delivered", "delivered"),
        ("failed_attempt", "delivered", "delivered"),
        ("returned", "returned", "unknown"),
        ("relay_pickup", "delivered", "delivered"),
        ("exception", "shipped", "delivery_exception"),
        ("lost", "shipped", "unknown"),
        ("cancelled", "cancelled", "shipment_created"),
    ];
    let mut ids = vec![];
    for (scenario, _, _) in cases {
        let mut order = crate::myflyingbox_orders::contacts();
        order["offer_id"] = offer.clone();
        order["parcels"] = json!([{"shipper_reference": format!("REF-sbx-{scenario}")}]);
        let (status, body) = post(&sb, "/orders", json!({"order": order})).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["data"]["id"].as_str().unwrap_or("").to_owned());
    }
    advance(&sb, 10 * 86400).await;
    for ((scenario, state, last), id) in cases.iter().zip(&ids) {
        let (_, order) = get(&sb, &format!("/orders/{id}")).await;
        assert_eq!(order["data"]["state"], *state, "{scenario}");
        let (_, tracking) = get(&sb, &format!("/orders/{id}/tracking")).await;
        let events = tracking["data"][0]["events"].as_array().cloned().unwrap_or_default();
        assert_eq!(events.last().map(|e| e["code"].clone()), Some(json!(last)), "{scenario}");
    }
}

#[tokio::test]
async fn ecourier_scenarios_end_as_designed() {
    let sb = start().await;
    let c = demo_credentials().ecourier;
    let base = format!("{}/ecourier/example/software/xml/ecJsonPost.asmx", sb.base_url);
    let login: Value = client()
        .post(format!("{base}/Login"))
        .json(&json!({"website": c.website, "username": c.username, "password": c.password}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let guid = login["UserGUID"].as_str().expect("guid").to_owned();
    let call = |method: &str, body: Value| {
        client().post(format!("{base}/{method}")).header("UserGUID", &guid).json(&body).send()
    };
    let cases = [
        ("delivered", "P", "POD"),
        ("failed_attempt", "P", "POD"),
        ("returned", "P", "Returned"),
        ("cod", "P", "COD Remitted"),
        ("exception", "I", "Exception"),
        ("lost", "I", "Exception"),
        ("cancelled", "X", "Order Cancelled"),
    ];
    for (scenario, _, _) in cases {
        let order = json!({"Order": {"OrderNumber": scenario, "Service": "Route", "OtherReference": format!("PO-sbx-{scenario}"), "CodAmount": "10",
            "Stops": {"Stop": [{"StopType": "P", "Name": "A", "Address": "1 A St", "City": "Orlando"}, {"StopType": "D", "Name": "B", "Address": "2 B St", "City": "Orlando"}]}}});
        assert_eq!(call("SaveOrder", order).await.expect("save").status(), 200);
    }
    advance(&sb, 4 * 86400).await;
    for (scenario, status, last) in cases {
        let answer: Value =
            call("GetJsonOrder", json!({"OrderNumber": scenario})).await.expect("get").json().await.expect("json");
        let order = &answer["Order"];
        assert_eq!(order["@OrderStatus"], status, "{scenario}");
        let events = order["OrderEvents"]["OrderEvent"].as_array().cloned().unwrap_or_default();
        assert_eq!(events.last().map(|e| e["@EventType"].clone()), Some(json!(last)), "{scenario}");
    }
}

#[tokio::test]
async fn ecotrack_scenarios_end_as_designed() {
    use crate::ecotrack::{get, shipped};
    let sb = start().await;
    let cases = [
        ("delivered", "livre_non_encaisse", "livred"),
        ("failed_attempt", "livre_non_encaisse", "livred"),
        ("returned", "retour_archive", "Return_received"),
        ("relay_pickup", "livre_non_encaisse", "livred"),
        ("cod", "paye_et_archive", "payed"),
        ("exception", "suspendu", "attempt_delivery"),
        ("lost", "vers_wilaya", "accepted_by_carrier"),
        ("cancelled", "annule", "order_information_received_by_carrier"),
    ];
    let mut trackings = vec![];
    for (scenario, _, _) in cases {
        trackings.push(shipped(&sb, &format!("CMD-sbx-{scenario}")).await);
    }
    advance(&sb, 10 * 86400).await;
    let listed = admin_get(&sb, "/orders?carrier=ecotrack").await;
    for ((scenario, status, last), tracking) in cases.iter().zip(&trackings) {
        let entry = listed["ecotrack"]
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["id"] == json!(tracking))
            .cloned()
            .unwrap_or_default();
        assert_eq!(entry["state"], *status, "{scenario}");
        assert_eq!(entry["scenario"], *scenario);
        let (_, info) = get(&sb, &format!("get/tracking/info?tracking={tracking}")).await;
        assert_eq!(
            info["activity"].as_array().and_then(|a| a.last()).map(|a| a["status"].clone()),
            Some(json!(last)),
            "{scenario}"
        );
    }
}

#[tokio::test]
async fn coursier_scenarios_end_as_designed() {
    let sb = start().await;
    let cases = [
        ("delivered", 1, "To be invoiced"),
        ("failed_attempt", 1, "To be invoiced"),
        ("exception", 1, "Incident"),
        ("lost", 1, "Incident"),
        ("cancelled", 1, "Canceled"),
        ("failed_load", 2, "To be invoiced"),
    ];
    let mut numbers = vec![];
    for (scenario, _, _) in cases {
        let (status, body) =
            admin_post(&sb, "/coursier_fr/missions", json!({"reference": format!("M-sbx-{scenario}")})).await;
        assert_eq!((status, &body["scenario"]), (201, &json!(scenario)));
        numbers.push(body["MissionNumber"].clone());
    }
    advance(&sb, 3 * 86400).await;
    let c = demo_credentials().coursier_fr;
    for ((scenario, legs, state), number) in cases.iter().zip(&numbers) {
        let body =
            json!({"User": c.user, "Apikey": c.apikey, "ClientId": c.client_id, "MissionNumber": number, "Lang": "EN"});
        let answer: Value = client()
            .post(format!("{}/coursier/v3/tracking.php", sb.base_url))
            .json(&body)
            .send()
            .await
            .expect("track")
            .json()
            .await
            .expect("json");
        let list = answer.as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), *legs, "{scenario}: {answer}");
        assert_eq!(list.last().map(|l| l["State"].clone()), Some(json!(state)), "{scenario}");
    }
}
