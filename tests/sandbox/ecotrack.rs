//! Ecotrack: documented follow-up endpoints, order management, statuses.

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, demo_credentials};

use crate::common::*;

pub const ACTIVITY_CODES: [&str; 11] = [
    "order_information_received_by_carrier",
    "picked",
    "accepted_by_carrier",
    "dispatched_to_driver",
    "attempt_delivery",
    "return_asked",
    "return_in_transit",
    "Return_received",
    "livred",
    "encaissed",
    "payed",
];

pub fn url(sb: &RunningSandbox, path: &str) -> String {
    format!("{}/ecotrack/api/v1/{path}", sb.base_url)
}

pub fn token() -> String {
    demo_credentials().ecotrack.token
}

pub async fn call(sb: &RunningSandbox, method: reqwest::Method, path: &str) -> (u16, Value) {
    let response = client().request(method, url(sb, path)).bearer_auth(token()).send().await.expect("ecotrack");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn get(sb: &RunningSandbox, path: &str) -> (u16, Value) {
    call(sb, reqwest::Method::GET, path).await
}

pub async fn post(sb: &RunningSandbox, path: &str) -> (u16, Value) {
    call(sb, reqwest::Method::POST, path).await
}

pub fn order_form(reference: &str) -> Vec<(&'static str, String)> {
    vec![
        ("reference", reference.to_owned()),
        ("nom_client", "client".into()),
        ("telephone", "0560351041".into()),
        ("adresse", "Alger".into()),
        ("commune", "Ain Taya".into()),
        ("code_wilaya", "16".into()),
        ("montant", "2500".into()),
        ("type", "1".into()),
        ("stop_desk", "0".into()),
    ]
}

pub async fn create(sb: &RunningSandbox, reference: &str) -> String {
    let response = client()
        .post(url(sb, "create/order"))
        .bearer_auth(token())
        .form(&order_form(reference))
        .send()
        .await
        .expect("create");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["success"], true, "{body}");
    body["tracking"].as_str().expect("tracking").to_owned()
}

pub async fn shipped(sb: &RunningSandbox, reference: &str) -> String {
    let tracking = create(sb, reference).await;
    let (status, body) = post(sb, &format!("valid/order?tracking={tracking}")).await;
    assert_eq!((status, &body["success"]), (200, &json!(true)));
    tracking
}

async fn activity(sb: &RunningSandbox, tracking: &str) -> Vec<String> {
    let (_, info) = get(sb, &format!("get/tracking/info?tracking={tracking}")).await;
    info["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .filter_map(|a| a["status"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn tokens_go_in_the_bearer_header_except_for_orders_status() {
    let sb = start().await;
    let unauthenticated = json!({"message": "Unauthenticated."});
    let r = client().get(url(&sb, "get/wilayas")).send().await.expect("call");
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.expect("json"), unauthenticated);
    let r = client().get(url(&sb, &format!("get/wilayas?api_token={}", token()))).send().await.expect("call");
    assert_eq!(r.status(), 401, "api_token works only on get/orders/status");
    let tracking = create(&sb, "R-1").await;
    let status_path = format!("get/orders/status?trackings={tracking}&status=all");
    let (status, _) = get(&sb, &status_path).await;
    assert_eq!(status, 401, "get/orders/status ignores the Bearer header");
    let r = client().get(url(&sb, &format!("{status_path}&api_token={}", token()))).send().await.expect("call");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn create_order_validates_like_laravel() {
    let sb = start().await;
    let (status, body) = post(&sb, "create/order?nom_client=x").await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("erreur")), "{body}");
    for field in ["telephone", "adresse", "commune", "code_wilaya", "montant", "type"] {
        assert!(body["errors"][field][0].is_string(), "{field} in {body}");
    }
    let (status, body) = post(
        &sb,
        "create/order?nom_client=x&telephone=0560351041&adresse=a&commune=Oran&code_wilaya=16&montant=10&type=1",
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["commune"].is_array(), "Oran is not in wilaya 16");
    let (status, body) = post(
        &sb,
        "create/order?nom_client=x&telephone=0560351041&adresse=a&commune=Oran&code_wilaya=59&montant=10&type=9",
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["code_wilaya"].is_array() && body["errors"]["type"].is_array());
    let (status, body) = post(&sb, "create/order?nom_client=x&telephone=0560351041&adresse=a&commune=Kouba&code_wilaya=16&montant=10&type=1&stop_desk=1").await;
    assert_eq!(status, 422);
    assert!(body["errors"]["stop_desk"].is_array(), "no stop desk in Kouba");
    let (status, body) = post(&sb, "create/order?nom_client=x&telephone=0560351041&adresse=a&commune=bab+el+oued&code_wilaya=16&montant=10&type=1&stop_desk=1").await;
    assert_eq!(status, 200, "{body}");
    let tracking = body["tracking"].as_str().expect("tracking");
    assert!(tracking.starts_with("EC") && tracking.len() == 16, "{tracking}");
}

#[tokio::test]
async fn documented_notes_examples() {
    let sb = start().await;
    let request = fixture("ecotrack", "add_maj_request.js");
    let documented_path =
        request.split("{{url}}/api/v1/").nth(1).and_then(|r| r.split('\'').next()).expect("url").to_owned();
    let (status, body) = post(&sb, &documented_path).await;
    assert_eq!((status, &body["success"]), (200, &json!(false)), "unknown tracking: refused inside a 200");
    let tracking = create(&sb, "N-1").await;
    let mine = documented_path.replace("ECQFLD2103047673", &tracking);
    let (status, body) = post(&sb, &mine).await;
    assert_eq!(status, 200);
    assert_eq!(body, fixture_json("ecotrack", "add_maj_response.json"));
    let too_long = format!("add/maj?tracking={tracking}&content={}", "x".repeat(256));
    let (status, body) = post(&sb, &too_long).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["content"].is_array());
    // The document calls get/maj with POST; GET works too.
    let (_, by_post) = post(&sb, &format!("get/maj?tracking={tracking}")).await;
    let (_, by_get) = get(&sb, &format!("get/maj?tracking={tracking}")).await;
    assert_eq!(by_post, by_get);
    let notes = by_get.as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    let documented = doc_keys(&fixture("ecotrack", "get_maj_response_truncated.json"));
    assert!(documented.is_subset(&all_keys(&by_get)));
    assert_eq!(notes[0]["remarque"], "Test Shop : Livraison avant 17:00 h");
    assert_eq!(notes[0]["tracking"], json!(tracking));
}

#[tokio::test]
async fn parcel_history_grows_after_validation() {
    let sb = start().await;
    let tracking = create(&sb, "H-1").await;
    assert!(activity(&sb, &tracking).await.is_empty(), "nothing happens before valid/order");
    let (_, again) = post(&sb, &format!("valid/order?tracking={tracking}")).await;
    assert_eq!(again["success"], true);
    let (_, twice) = post(&sb, &format!("valid/order?tracking={tracking}")).await;
    assert_eq!(twice["success"], false);
    // The documented request has a space before the tracking.
    let (status, info) = get(&sb, &format!("get/tracking/info?tracking=%20{tracking}")).await;
    assert_eq!(status, 200);
    let documented = doc_keys(&fixture("ecotrack", "get_tracking_info_response_truncated.json"));
    assert!(documented.is_subset(&all_keys(&info)));
    assert!(info["originCity"].is_number() && info["destLocationCity"].is_number());
    assert_eq!(info["shippedBy"], "Test Shop");
    assert_eq!(activity(&sb, &tracking).await, vec!["order_information_received_by_carrier"]);
    advance(&sb, 2 * 86400).await;
    let codes = activity(&sb, &tracking).await;
    assert_eq!(codes.last().map(String::as_str), Some("livred"));
    assert!(codes.iter().all(|c| ACTIVITY_CODES.contains(&c.as_str())));
    let entry = &info["activity"][0];
    assert!(chrono::NaiveDate::parse_from_str(entry["date"].as_str().unwrap_or(""), "%Y-%m-%d").is_ok());
    assert!(chrono::NaiveTime::parse_from_str(entry["time"].as_str().unwrap_or(""), "%H:%M:%S").is_ok());
}

#[tokio::test]
async fn returns_only_while_out_for_delivery() {
    let sb = start().await;
    let tracking = shipped(&sb, "RET-1").await;
    let ask = format!("ask/for/order/return?tracking={tracking}");
    let (status, body) = post(&sb, &ask).await;
    assert_eq!((status, &body["success"]), (200, &json!(false)));
    advance(&sb, 1600 * 60).await;
    let (status, body) = post(&sb, &ask).await;
    assert_eq!(status, 200);
    assert_eq!(body, fixture_json("ecotrack", "ask_for_order_return_response.json"));
    advance(&sb, 3 * 86400).await;
    let codes = activity(&sb, &tracking).await;
    assert!(!codes.contains(&"livred".to_owned()));
    assert_eq!(codes.last().map(String::as_str), Some("Return_received"));
}

#[tokio::test]
async fn scenarios_cod_returned_and_stop_desk() {
    let sb = start().await;
    let cod = shipped(&sb, "A-sbx-cod").await;
    let returned = shipped(&sb, "B-sbx-returned").await;
    let desk = shipped(&sb, "C").await;
    let (status, _) =
        admin_post(&sb, "/scenario", json!({"carrier": "ecotrack", "id": desk, "scenario": "relay_pickup"})).await;
    assert_eq!(status, 200);
    advance(&sb, 6 * 86400).await;
    let cod_codes = activity(&sb, &cod).await;
    assert!(cod_codes.ends_with(&["livred".into(), "encaissed".into(), "payed".into()]), "{cod_codes:?}");
    let returned_codes = activity(&sb, &returned).await;
    assert!(
        returned_codes.contains(&"Return_received".to_owned())
            && returned_codes.contains(&"attempt_delivery".to_owned())
    );
    let (_, notes) = get(&sb, &format!("get/maj?tracking={returned}")).await;
    assert!(
        notes.as_array().expect("notes").iter().any(|n| n["livreur"] != ""),
        "the driver's remarks on failed attempts"
    );
    let status_url = format!("get/orders/status?api_token={}&trackings={cod},{returned},{desk}&status=all", token());
    let body: Value = client().get(url(&sb, &status_url)).send().await.expect("status").json().await.expect("json");
    let data = &body["data"];
    assert_ne!(data[desk.as_str()]["desk_commune"], "");
    assert!(data[desk.as_str()]["desk_map_link"].as_str().is_some_and(|l| l.starts_with("https://")));
    assert_eq!(data[cod.as_str()]["desk_phone"], "");
    let (_, list) = get(&sb, "get/orders").await;
    let listed: Vec<&str> =
        list["data"].as_array().expect("data").iter().filter_map(|o| o["tracking"].as_str()).collect();
    assert!(!listed.contains(&cod.as_str()), "paid and archived parcels leave get/orders");
    assert!(listed.contains(&desk.as_str()));
}

#[tokio::test]
async fn update_and_delete_only_before_pickup() {
    let sb = start().await;
    let early = create(&sb, "U-1").await;
    let (status, body) = post(&sb, &format!("update/order?tracking={early}&nom_client=Nouveau")).await;
    assert_eq!((status, &body["success"]), (200, &json!(true)), "{body}");
    let (_, list) = get(&sb, "get/orders").await;
    assert_eq!(list["data"][0]["client"], "Nouveau");
    let (status, body) = call(&sb, reqwest::Method::DELETE, &format!("delete/order?tracking={early}")).await;
    assert_eq!((status, &body["success"]), (200, &json!(true)));
    let (_, gone) = get(&sb, &format!("get/tracking/info?tracking={early}")).await;
    assert_eq!(gone["success"], false);
    let late = shipped(&sb, "U-2").await;
    advance(&sb, 4 * 3600).await;
    let (status, body) = post(&sb, &format!("update/order?tracking={late}&nom_client=Trop+tard")).await;
    assert_eq!((status, &body["success"]), (200, &json!(false)));
    let (status, body) = call(&sb, reqwest::Method::DELETE, &format!("delete/order?tracking={late}")).await;
    assert_eq!((status, &body["success"]), (200, &json!(false)));
    let (status, body) = post(&sb, "update/order").await;
    assert_eq!(status, 422);
    assert!(body["errors"]["tracking"].is_array());
}
