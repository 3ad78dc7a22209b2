//! My Flying Box v2: orders, labels, tracking, cancel, pickups, lifecycles.

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, SandboxConfig, demo_credentials};

use crate::common::*;
use crate::myflyingbox::{call, get, offer_of, parcel, post, quote, url};

const DOCUMENTED_CODES: [&str; 11] = [
    "shipment_created",
    "picked_up",
    "departed_from_facility",
    "arrived_at_facility",
    "at_departure_hub",
    "in_transit",
    "at_arrival_hub",
    "delivery_in_progress",
    "delivery_exception",
    "delivered",
    "unknown",
];

pub fn contacts() -> Value {
    json!({
        "shipper": {"name": "Lce Test collection", "street": "15 route de France", "phone": "+33622123613", "email": "test@test.com"},
        "recipient": {"name": "Lce Test delivery", "street": "15 route de France", "phone": "+33622123613", "email": "test@test.com"},
    })
}

async fn domestic_order(sb: &RunningSandbox, product: &str, reference: &str, extra: Value) -> Value {
    let q = quote(sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(1.5), parcel(2.0)]).await;
    let mut order = contacts();
    order["offer_id"] = offer_of(&q, product)["id"].clone();
    order["parcels"] = json!([{"shipper_reference": reference}, {"shipper_reference": "second"}]);
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        order[k] = v;
    }
    let (status, body) = post(sb, "/orders", json!({"order": order})).await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn documented_order_request_needs_a_real_offer_and_customs_fields() {
    let sb = start().await;
    let raw = fixture("myflyingbox", "order_request.json");
    let (status, body) = call(&sb, reqwest::Method::POST, "/orders", Some(raw.clone())).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["offer_id"].is_array(), "{body}");
    // The example ships one parcel from the UK to France: customs fields are due.
    let q = quote(&sb, ("GB", "SW1A 1AA", "London"), ("FR", "06800", "Cagnes-sur-Mer"), vec![parcel(3.0)]).await;
    let offer = offer_of(&q, "dhl_worldwide_express")["id"].as_str().unwrap_or("").to_owned();
    let replayed = raw.replace("b26115b4-1852-4937-be54-a65c510744bb", &offer);
    let (status, body) = call(&sb, reqwest::Method::POST, "/orders", Some(replayed.clone())).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["parcels.0.country_of_origin"].is_array(), "{body}");
    let complete =
        replayed.replace("\"description\": \"Books\",", "\"description\": \"Books\", \"country_of_origin\": \"GB\",");
    let (status, body) = call(&sb, reqwest::Method::POST, "/orders", Some(complete)).await;
    assert_eq!(status, 201, "{body}");
    let order = &body["data"];
    let documented = doc_keys(&fixture("myflyingbox", "order_representation.json"));
    let ours = all_keys(order);
    // The example's "uuid" is the attribute table's "id".
    let missing: Vec<_> = documented.iter().filter(|k| *k != "uuid" && !ours.contains(*k)).collect();
    assert!(missing.is_empty(), "missing {missing:?} in {order}");
    assert!(order["id"].is_string());
    assert_eq!(order["state"], "created");
    assert_eq!(order["parcels"][0]["weight"], "3");
    assert_eq!(order["parcels"][0]["value"], "15");
    assert_eq!(order["recipient"]["city"], "Cagnes-sur-Mer");
    let (status, again) = get(&sb, &format!("/orders/{}", order["id"].as_str().unwrap_or(""))).await;
    assert_eq!(status, 200);
    assert_eq!(again["data"]["offer"]["id"], json!(offer));
}

#[tokio::test]
async fn parcel_count_phone_format_and_expired_offers_are_checked() {
    let sb = start().await;
    let q = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(1.0), parcel(2.0)]).await;
    let mut order = contacts();
    order["offer_id"] = offer_of(&q, "ups_standard")["id"].clone();
    order["shipper"]["phone"] = json!("06 22 12 36 13");
    order["parcels"] = json!([{}]);
    let (status, body) = post(&sb, "/orders", json!({"order": order.clone()})).await;
    assert_eq!(status, 422);
    let details = &body["error"]["details"];
    assert!(details["parcels"].is_array() && details["shipper.phone"].is_array(), "{details}");
    advance(&sb, 25 * 3600).await;
    order["shipper"]["phone"] = json!("+33622123613");
    order["parcels"] = json!([{}, {}]);
    let (status, body) = post(&sb, "/orders", json!({"order": order})).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["offer_id"][0].as_str().is_some_and(|m| m.contains("expired")));
}

#[tokio::test]
async fn documented_automatic_order_picks_the_first_matching_offer() {
    let sb = start().await;
    let (status, body) = call(
        &sb,
        reqwest::Method::POST,
        "/orders/automatic",
        Some(fixture("myflyingbox", "orders_automatic_request.json")),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let order = &body["data"];
    // Toulouse -> Nice, pick-up only, among dhl/ups/fedex: DHL and FedEx are international only.
    assert_eq!(order["offer"]["product"]["code"], "ups_standard");
    assert_eq!(order["collection_date"], "2022-10-20");
    assert_eq!(order["shipper"]["city"], "Toulouse");
    let mut none = fixture_json("myflyingbox", "orders_automatic_request.json");
    none["order"]["offers_filters"]["with_carrier_codes"] = json!(["fedex"]);
    let (status, body) = post(&sb, "/orders/automatic", none).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["offers_filters"].is_array());
}

#[tokio::test]
async fn labels_are_not_ready_then_a_pdf() {
    let sb =
        start_with(SandboxConfig { mfb_label_delay: std::time::Duration::from_secs(600), ..SandboxConfig::default() })
            .await;
    let order = domestic_order(&sb, "ups_standard", "L-1", json!({})).await;
    let path = format!("/orders/{}/labels", order["id"].as_str().unwrap_or(""));
    let (status, body) = get(&sb, &path).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["type"], "labels_not_ready");
    advance(&sb, 601).await;
    let creds = demo_credentials().myflyingbox;
    let response =
        client().get(url(&sb, &path)).basic_auth(creds.login, Some(creds.password)).send().await.expect("labels");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
    assert_valid_pdf(&pdf);
    assert_eq!(String::from_utf8_lossy(&pdf).matches("/Type /Page ").count(), 2, "one page per parcel");
}

#[tokio::test]
async fn tracking_grows_with_the_clock_and_matches_the_documented_shape() {
    let sb = start().await;
    let order = domestic_order(&sb, "ups_standard", "T-1", json!({})).await;
    let path = format!("/orders/{}/tracking", order["id"].as_str().unwrap_or(""));
    let (_, early) = get(&sb, &path).await;
    assert_eq!(early["count"], 2);
    assert_eq!(early["data"][1]["parcel_index"], 1);
    assert_eq!(early["data"][0]["events"].as_array().map(Vec::len), Some(1));
    advance(&sb, 3 * 3600).await;
    let (_, later) = get(&sb, &path).await;
    let events = later["data"][0]["events"].as_array().expect("events").clone();
    assert_eq!(events[1]["code"], "picked_up");
    let happened = events[1]["happened_at"].as_str().unwrap_or("");
    assert!(chrono::DateTime::parse_from_str(happened, "%Y-%m-%dT%H:%M:%S%:z").is_ok(), "{happened}");
    assert_eq!(events[0], early["data"][0]["events"][0], "events keep their timestamps");
    advance(&sb, 2 * 86400).await;
    let (_, done) = get(&sb, &path).await;
    assert_same_shape(&fixture_json("myflyingbox", "tracking_response.json"), &done, "tracking");
    let codes: Vec<&str> =
        done["data"][0]["events"].as_array().expect("events").iter().filter_map(|e| e["code"].as_str()).collect();
    assert_eq!(codes.last(), Some(&"delivered"));
    assert!(codes.iter().all(|c| DOCUMENTED_CODES.contains(c)));
    let (_, order) = get(&sb, &format!("/orders/{}", order["id"].as_str().unwrap_or(""))).await;
    assert_eq!(order["data"]["state"], "delivered");
}

#[tokio::test]
async fn scenarios_by_reference_and_by_admin() {
    let sb = start().await;
    let failed = domestic_order(&sb, "ups_standard", "CMD-1-sbx-failed_attempt", json!({})).await;
    let returned =
        domestic_order(&sb, "ups_standard", "CMD-2", json!({"ecommerce_order_reference": "SHOP-2-sbx-returned"})).await;
    let lost = domestic_order(&sb, "ups_standard", "CMD-3", json!({})).await;
    let (status, _) =
        admin_post(&sb, "/scenario", json!({"carrier": "myflyingbox", "id": lost["id"], "scenario": "lost"})).await;
    assert_eq!(status, 200);
    let (status, _) =
        admin_post(&sb, "/scenario", json!({"carrier": "myflyingbox", "id": lost["id"], "scenario": "cod"})).await;
    assert_eq!(status, 422, "cod is not an MFB scenario");
    advance(&sb, 8 * 86400).await;
    let events = |v: &Value| v["data"][0]["events"].as_array().cloned().unwrap_or_default();
    let (_, f) = get(&sb, &format!("/orders/{}/tracking", failed["id"].as_str().unwrap_or(""))).await;
    let exception = events(&f).into_iter().find(|e| e["code"] == "delivery_exception").expect("a failed attempt");
    assert_eq!(exception["details"]["code"], "not_available_or_closed");
    assert_eq!(events(&f).last().map(|e| e["code"].clone()), Some(json!("delivered")));
    let (_, r) = get(&sb, &format!("/orders/{}", returned["id"].as_str().unwrap_or(""))).await;
    assert_eq!(r["data"]["state"], "returned");
    let (_, rt) = get(&sb, &format!("/orders/{}/tracking", returned["id"].as_str().unwrap_or(""))).await;
    let unknown = events(&rt).into_iter().find(|e| e["code"] == "unknown").expect("unknown event");
    assert!(unknown["label"].get("fr").is_none() && unknown["label"]["en"].is_string());
    let (_, l) = get(&sb, &format!("/orders/{}/tracking", lost["id"].as_str().unwrap_or(""))).await;
    assert!(!events(&l).iter().any(|e| e["code"] == "delivered"));
}

#[tokio::test]
async fn cancel_only_before_pickup_and_refusal_is_a_200_failure() {
    let sb = start().await;
    let early = domestic_order(&sb, "ups_standard", "C-1", json!({})).await;
    let late = domestic_order(&sb, "ups_standard", "C-2", json!({})).await;
    let cancel = |id: &Value| format!("/orders/{}/cancel", id.as_str().unwrap_or(""));
    let (status, body) = call(&sb, reqwest::Method::PUT, &cancel(&early["id"]), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["state"], "cancelled");
    advance(&sb, 3 * 3600).await;
    let (status, body) = call(&sb, reqwest::Method::PUT, &cancel(&late["id"]), None).await;
    assert_eq!(status, 200, "refusals come with HTTP 200");
    assert_eq!(body["status"], "failure");
    assert_eq!(body["error"]["type"], "order_not_cancellable");
    let (_, tracking) = get(&sb, &format!("/orders/{}/tracking", early["id"].as_str().unwrap_or(""))).await;
    assert_eq!(tracking["data"][0]["events"].as_array().map(Vec::len), Some(1), "a cancelled order never moves");
}

#[tokio::test]
async fn delayed_pickups_are_confirmed_later() {
    let sb = start().await;
    let delayed = domestic_order(&sb, "ups_standard", "P-1", json!({"delay_pickup_order": true})).await;
    let normal = domestic_order(&sb, "ups_standard", "P-2", json!({})).await;
    let pickup = |order: &Value| {
        json!({"pickup": {
            "order_id": order["id"], "collection_date": "2030-01-02",
            "address": {"name": "Dock", "street": "1 rue A", "city": "Paris", "postal_code": "75001", "country": "FR", "phone": "+33100000000"},
        }})
    };
    advance(&sb, 6 * 3600).await;
    let (_, waiting) = get(&sb, &format!("/orders/{}", delayed["id"].as_str().unwrap_or(""))).await;
    assert_eq!(waiting["data"]["state"], "created", "nothing moves before the pickup is booked");
    let (status, body) = post(&sb, "/pickups", pickup(&normal)).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "failure");
    let (status, body) = post(&sb, "/pickups", pickup(&delayed)).await;
    assert_eq!(status, 201, "{body}");
    let p = &body["data"];
    assert_eq!(p["supplier_reference"], "");
    assert!(p["reference"].as_str().is_some_and(|r| r.starts_with("MFB-PU-")));
    let (status, _) = post(&sb, "/pickups", pickup(&delayed)).await;
    assert_eq!(status, 200, "second pickup refused inside a 200");
    advance(&sb, 31 * 60).await;
    let (_, later) = get(&sb, &format!("/pickups/{}", p["id"].as_str().unwrap_or(""))).await;
    assert!(later["data"]["supplier_reference"].as_str().is_some_and(|s| s.len() == 9));
    let (status, body) = post(&sb, "/pickups", json!({"pickup": {"order_id": delayed["id"]}})).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["address.street"].is_array());
}
