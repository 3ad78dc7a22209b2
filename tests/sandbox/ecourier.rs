//! e-Courier JSON: samples with curly quotes, UserGUID life, orders as XML-ish JSON.

use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, SandboxConfig, demo_credentials};

use crate::common::*;

fn url(sb: &RunningSandbox, method: &str) -> String {
    format!("{}/ecourier/example/software/xml/ecJsonPost.asmx/{method}", sb.base_url)
}

async fn send(sb: &RunningSandbox, method: &str, guid: Option<&str>, body: String) -> (u16, Value) {
    let mut request = client().post(url(sb, method)).header("content-type", "application/json").body(body);
    if let Some(guid) = guid {
        request = request.header("UserGUID", guid);
    }
    let response = request.send().await.expect("e-courier call");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn login(sb: &RunningSandbox) -> String {
    let c = demo_credentials().ecourier;
    let body = json!({"website": c.website, "username": c.username, "password": c.password});
    let (status, answer) = send(sb, "Login", None, body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    answer["UserGUID"].as_str().expect("guid").to_owned()
}

fn documented(name: &str) -> Value {
    serde_json::from_str(&straighten(&fixture("ecourier", name))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn order(number: Option<&str>, auth: &str, extra: Value) -> Value {
    let mut body = documented("save_order_request.json");
    body["Order"]["Auth"] = json!(auth);
    if let Some(number) = number {
        body["Order"]["OrderNumber"] = json!(number);
    }
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body["Order"][k] = v;
    }
    body
}

async fn get_order(sb: &RunningSandbox, guid: &str, number: &str) -> Value {
    let (status, answer) = send(sb, "GetJsonOrder", Some(guid), json!({"OrderNumber": number}).to_string()).await;
    assert_eq!(status, 200, "{answer}");
    answer["Order"].clone()
}

#[tokio::test]
async fn the_documents_curly_quoted_samples_are_unparsable() {
    let sb = start().await;
    let guid = login(&sb).await;
    let expected = documented("status_minus_2.json");
    for (method, sample) in [
        ("Login", "login_request.json"),
        ("SaveOrder", "save_order_request.json"),
        ("GetJsonOrder", "get_json_order_request.json"),
        ("QuoteOrder", "quote_order_request.json"),
    ] {
        let (status, answer) = send(&sb, method, Some(&guid), fixture("ecourier", sample)).await;
        assert_eq!((status, &answer), (500, &expected), "{method}");
    }
    // RefreshGUID ignores its body, so even the curly sample works.
    let (status, answer) =
        send(&sb, "RefreshGUID", Some(&guid), fixture("ecourier", "refresh_guid_request.json")).await;
    assert_eq!(status, 200);
    assert_same_shape(&documented("refresh_guid_response.json"), &answer, "refresh");
    assert_eq!(answer["UserGUID"], json!(guid));
}

#[tokio::test]
async fn login_gives_a_braced_guid_and_bad_credentials_get_minus_4() {
    let sb = start().await;
    let (status, answer) = send(&sb, "Login", None, straighten(&fixture("ecourier", "login_request.json"))).await;
    assert_eq!(status, 500);
    assert_eq!(answer["status"], "-4");
    assert!(answer["statusdescription"].as_str().is_some_and(|d| !d.is_empty()));
    let guid = login(&sb).await;
    assert_same_shape(&documented("login_response.json"), &json!({"status": "0", "UserGUID": guid}), "login");
    assert!(guid.starts_with('{') && guid.ends_with('}') && guid.len() == 38, "{guid}");
    let c = demo_credentials().ecourier;
    let elsewhere = client()
        .post(format!("{}/ecourier/other/software/xml/ecJsonPost.asmx/Login", sb.base_url))
        .json(&json!({"website": c.website, "username": c.username, "password": c.password}))
        .send()
        .await
        .expect("login");
    assert_eq!(elsewhere.status(), 500);
}

#[tokio::test]
async fn missing_unknown_and_expired_guids() {
    let sb = start_with(SandboxConfig { ecourier_guid_ttl: Duration::from_secs(60), ..SandboxConfig::default() }).await;
    let (status, answer) = send(&sb, "GetJsonOrder", None, "{}".into()).await;
    assert_eq!((status, answer), (500, documented("status_minus_5.json")));
    let (status, answer) = send(&sb, "RefreshGUID", Some("{00000000-0000-0000-0000-000000000000}"), "{}".into()).await;
    assert_eq!(status, 500);
    assert_eq!(answer["status"], "-6");
    assert_eq!(
        answer["statusdescription"],
        "No config file found: Configuration='{00000000-0000-0000-0000-000000000000}'"
    );
    let guid = login(&sb).await;
    advance(&sb, 45).await;
    let (status, _) = send(&sb, "RefreshGUID", Some(&guid), String::new()).await;
    assert_eq!(status, 200, "used within the TTL");
    advance(&sb, 45).await;
    let bare = guid.trim_matches(['{', '}']).to_lowercase();
    let (status, _) = send(&sb, "RefreshGUID", Some(&bare), String::new()).await;
    assert_eq!(status, 200, "each use refreshes the token; braces and case do not matter");
    advance(&sb, 61).await;
    let (status, answer) = send(&sb, "RefreshGUID", Some(&guid), String::new()).await;
    assert_eq!((status, &answer["status"]), (500, &json!("-6")), "expired after 60 unused seconds");
}

#[tokio::test]
async fn documented_save_order_then_get_json_order_in_xml_style() {
    let sb = start().await;
    let guid = login(&sb).await;
    let (status, answer) =
        send(&sb, "SaveOrder", Some(&guid), straighten(&fixture("ecourier", "save_order_request.json"))).await;
    assert_eq!(status, 200);
    assert_eq!(answer, documented("save_order_response.json"), "the answer carries no order number");
    let listed = admin_get(&sb, "/orders?carrier=ecourier").await;
    let number = listed["ecourier"][0]["id"].as_str().expect("assigned number").to_owned();
    let order = get_order(&sb, &guid, &number).await;
    let expected = doc_keys(&fixture("ecourier", "get_json_order_response_truncated.json"));
    let ours = all_keys(&json!({"Order": order.clone()}));
    assert!(expected.is_subset(&ours), "missing {:?}", expected.difference(&ours).collect::<Vec<_>>());
    for (key, value) in order.as_object().expect("order") {
        if key.starts_with('@') {
            assert!(value.is_string(), "{key} is a string");
        }
    }
    assert_eq!(order["@UserGUID"], json!(guid));
    assert_eq!(order["@OrderNumber"], json!(number));
    assert_eq!(order["@OrderStatus"], "N");
    assert_eq!(order["@Auth"], "1234779");
    let created = order["@CreateDate"].as_str().expect("date");
    assert!(created.ends_with(" AM") || created.ends_with(" PM"), "{created}");
    assert!(order["Pieces"]["Piece"].is_array() && order["Stops"]["Stop"].is_array());
    assert_eq!(order["Stops"]["Stop"][0]["@ScheduledDateTimeTZ"], "EST");
    assert_eq!(order["Stops"]["Stop"][0]["OrderStopPieces"]["OrderStopPiece"]["@PieceAction"], "P");
    // One event so far: an object, not an array.
    assert!(order["OrderEvents"]["OrderEvent"].is_object(), "{}", order["OrderEvents"]);
    assert!(order.get("Jobs").is_none());
    advance(&sb, 20 * 60).await;
    let order = get_order(&sb, &guid, &number).await;
    assert!(order["OrderEvents"]["OrderEvent"].is_array());
    assert_eq!(order["@OrderStatus"], "A");
    assert!(order["Jobs"]["Job"].is_object());
    assert!(order["Jobs"]["Job"]["Drivers"]["Driver"].is_object());
}

#[tokio::test]
async fn single_piece_and_stop_collections_come_back_as_objects() {
    let sb = start().await;
    let guid = login(&sb).await;
    let mut body = order(Some("ONE-1"), "A-1", json!({}));
    body["Order"]["Pieces"]["Piece"] = body["Order"]["Pieces"]["Piece"][0].clone();
    let (status, _) = send(&sb, "SaveOrder", Some(&guid), body.to_string()).await;
    assert_eq!(status, 200);
    let order = get_order(&sb, &guid, "ONE-1").await;
    assert!(order["Pieces"]["Piece"].is_object());
    assert_eq!(order["Pieces"]["Piece"]["@Reference"], "test1234barcode");
}

#[tokio::test]
async fn documented_quote_order_prices_without_storing() {
    let sb = start().await;
    let guid = login(&sb).await;
    // The sample repeats "Stop" inside one object: repeated XML elements.
    let (status, answer) =
        send(&sb, "QuoteOrder", Some(&guid), straighten(&fixture("ecourier", "quote_order_request.json"))).await;
    assert_eq!(status, 200, "{answer}");
    let expected = doc_keys(&fixture("ecourier", "quote_order_response_truncated.json"));
    let ours = all_keys(&answer);
    assert!(expected.is_subset(&ours), "missing {:?}", expected.difference(&ours).collect::<Vec<_>>());
    let quote = &answer["Order"];
    assert_eq!(quote["AmountCharged"], "$40.00");
    assert_eq!(quote["ReadyDateTime"], "11/13/2019 06:00");
    assert_eq!(quote["DueDateTime"], "11/13/19 17:00");
    assert!(quote["Pieces"]["Piece"].is_object());
    let listed = admin_get(&sb, "/orders?carrier=ecourier").await;
    assert_eq!(listed["ecourier"], json!([]));
}

#[tokio::test]
async fn delivered_orders_carry_proof_of_delivery() {
    let sb = start().await;
    let guid = login(&sb).await;
    let (status, _) = send(&sb, "SaveOrder", Some(&guid), order(Some("POD-1"), "A-2", json!({})).to_string()).await;
    assert_eq!(status, 200);
    advance(&sb, 4 * 3600).await;
    let order = get_order(&sb, &guid, "POD-1").await;
    assert_eq!(order["@OrderStatus"], "P");
    assert_eq!(order["@PodName"], "Bryan Moore");
    assert!(order["@PodDateTime"].as_str().is_some_and(|d| d.contains('/')));
    let png = base64::engine::general_purpose::STANDARD
        .decode(order["@PodSign"].as_str().expect("signature"))
        .expect("base64");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let events: Vec<&str> = order["OrderEvents"]["OrderEvent"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["@EventType"].as_str())
        .collect();
    assert_eq!(events.first(), Some(&"Order Created"));
    assert_eq!(events.last(), Some(&"POD"));
}

#[tokio::test]
async fn cancel_and_modify_follow_business_rules() {
    let sb = start().await;
    let guid = login(&sb).await;
    for number in ["X-1", "X-2"] {
        let (status, _) = send(&sb, "SaveOrder", Some(&guid), order(Some(number), "A", json!({})).to_string()).await;
        assert_eq!(status, 200);
    }
    let cancel = |n: &str| json!({"Order": {"OrderNumber": n, "OrderStatus": "X"}}).to_string();
    let (status, _) = send(&sb, "SaveOrder", Some(&guid), cancel("X-1")).await;
    assert_eq!(status, 200);
    assert_eq!(get_order(&sb, &guid, "X-1").await["@OrderStatus"], "X");
    let (status, answer) =
        send(&sb, "SaveOrder", Some(&guid), json!({"Order": {"OrderNumber": "X-2", "Description": "new"}}).to_string())
            .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(get_order(&sb, &guid, "X-2").await["@Description"], "new");
    advance(&sb, 2 * 3600).await;
    let (status, answer) = send(&sb, "SaveOrder", Some(&guid), cancel("X-2")).await;
    assert_eq!((status, answer), (409, json!({"status": "-4", "statusdescription": "Order Unable to Cancel"})));
    let (status, answer) =
        send(&sb, "SaveOrder", Some(&guid), json!({"Order": {"OrderNumber": "X-2", "Notes": "late"}}).to_string())
            .await;
    assert_eq!((status, answer), (409, json!({"status": "-4", "statusdescription": "Order Unable to Modify"})));
    let (status, answer) = send(&sb, "SaveOrder", Some(&guid), cancel("NOPE")).await;
    assert_eq!((status, answer), (500, documented("status_minus_4.json")));
    let (status, answer) = send(&sb, "GetJsonOrder", Some(&guid), json!({"OrderNumber": "NOPE"}).to_string()).await;
    assert_eq!((status, answer), (500, documented("status_minus_4.json")));
}

#[tokio::test]
async fn cod_scenario_and_validation_errors() {
    let sb = start().await;
    let guid = login(&sb).await;
    let cod = order(Some("COD-1"), "SHOP-9-sbx-cod", json!({"CodAmount": "25.50"}));
    let (status, _) = send(&sb, "SaveOrder", Some(&guid), cod.to_string()).await;
    assert_eq!(status, 200);
    advance(&sb, 4 * 3600).await;
    let order_now = get_order(&sb, &guid, "COD-1").await;
    assert_eq!(order_now["@CodAmount"], "25.50");
    assert_eq!(order_now["@AmountReceived"], "25.50");
    let mut bad = order(Some("BAD-1"), "A", json!({}));
    bad["Order"]["Service"] = json!("Teleport");
    let (status, answer) = send(&sb, "SaveOrder", Some(&guid), bad.to_string()).await;
    assert_eq!((status, &answer["status"]), (500, &json!("-4")));
    assert!(answer["statusdescription"].as_str().is_some_and(|d| d.contains("Teleport")));
    let (status, answer) = send(&sb, "GetOrder", Some(&guid), "{}".into()).await;
    assert_eq!((status, &answer["status"]), (500, &json!("-1")));
}
