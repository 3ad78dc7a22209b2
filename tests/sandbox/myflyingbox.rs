//! My Flying Box v2: documented examples, auth, quotes, offers and filters.

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, demo_credentials};

use crate::common::*;

pub fn url(sb: &RunningSandbox, path: &str) -> String {
    format!("{}/myflyingbox/v2{path}", sb.base_url)
}

pub async fn call(sb: &RunningSandbox, method: reqwest::Method, path: &str, body: Option<String>) -> (u16, Value) {
    let creds = demo_credentials().myflyingbox;
    let mut request = client().request(method, url(sb, path)).basic_auth(creds.login, Some(creds.password));
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body);
    }
    let response = request.send().await.expect("mfb call");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn post(sb: &RunningSandbox, path: &str, body: Value) -> (u16, Value) {
    call(sb, reqwest::Method::POST, path, Some(body.to_string())).await
}

pub async fn get(sb: &RunningSandbox, path: &str) -> (u16, Value) {
    call(sb, reqwest::Method::GET, path, None).await
}

pub fn parcel(weight: f64) -> Value {
    json!({"weight": weight, "length": 30, "width": 20, "height": 10})
}

pub async fn quote(
    sb: &RunningSandbox,
    from: (&str, &str, &str),
    to: (&str, &str, &str),
    parcels: Vec<Value>,
) -> Value {
    let body = json!({"quote": {
        "shipper": {"country": from.0, "postal_code": from.1, "city": from.2},
        "recipient": {"country": to.0, "postal_code": to.1, "city": to.2, "is_a_company": false},
        "parcels": parcels,
    }});
    let (status, answer) = post(sb, "/quotes", body).await;
    assert_eq!(status, 201, "{answer}");
    answer["data"].clone()
}

pub fn offer_of<'a>(quote: &'a Value, product: &str) -> &'a Value {
    quote["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|o| o["product"]["code"] == product)
        .unwrap_or_else(|| panic!("no {product} offer in {quote}"))
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_the_documented_401() {
    let sb = start().await;
    let documented = fixture_json("myflyingbox", "auth_failure_response.json");
    for request in [
        client().get(url(&sb, "/")),
        client().get(url(&sb, "/")).basic_auth("sandbox", Some("wrong")),
        client().post(url(&sb, "/quotes")).basic_auth("nobody", Some("x")),
    ] {
        let response = request.send().await.expect("call");
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.expect("json");
        assert_same_shape(&documented, &body, "401");
        assert_eq!(body["error"], documented["error"]);
        assert_eq!(body["status"], "failure");
        assert!(body["self"].as_str().is_some_and(|s| s.contains("/myflyingbox/v2/")));
    }
}

#[tokio::test]
async fn basic_info_and_unknown_routes() {
    let sb = start().await;
    let (status, body) = get(&sb, "/").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    assert!(body.get("count").is_none(), "count only for arrays");
    let (status, body) = get(&sb, "/nothing/here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["type"], "not_found");
    let (status, body) = call(&sb, reqwest::Method::DELETE, "/quotes", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["type"], "not_found");
}

#[tokio::test]
async fn documented_quote_request_gets_offers_shaped_like_the_example() {
    let sb = start().await;
    let (status, body) =
        call(&sb, reqwest::Method::POST, "/quotes", Some(fixture("myflyingbox", "quote_request.json"))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "success");
    let data = &body["data"];
    // The documented representation is not valid JSON (trailing commas): compare keys.
    let documented = doc_keys(&fixture("myflyingbox", "quote_representation.json"));
    let ours = all_keys(data);
    let missing: Vec<_> = documented.difference(&ours).collect();
    assert!(missing.is_empty(), "keys missing from the quote: {missing:?}");
    assert_eq!(data["parcels"].as_array().map(Vec::len), Some(2));
    assert_eq!(data["recipient"]["is_a_company"], "false");
    for offer in data["offers"].as_array().expect("offers") {
        for price in ["price", "price_vat", "total_price"] {
            assert!(offer[price]["formatted"].as_str().is_some_and(|f| f.starts_with('€')));
            assert_eq!(offer[price]["currency"], "EUR");
            assert!(offer[price]["amount"].is_number() && offer[price]["amount_in_cents"].is_i64());
        }
        let cents = |p: &str| offer[p]["amount_in_cents"].as_i64().unwrap_or(-1);
        assert_eq!(cents("price") + cents("price_vat"), cents("total_price"));
        // GB -> FR is an import: no French VAT.
        assert_eq!(offer["vat_scheme_code"], "exempted_importation");
        assert_eq!(cents("price_vat"), 0);
        assert!(offer.get("insurance_price").is_none());
        let pick_up = offer["product"]["pick_up"] == true;
        assert_eq!(offer.get("collection_dates").is_some(), pick_up, "{offer}");
    }
    let (status, again) = get(&sb, &format!("/quotes/{}", data["id"].as_str().unwrap_or(""))).await;
    assert_eq!(status, 200);
    assert_eq!(again["data"]["offers"], data["offers"]);
    let (status, list) = get(&sb, "/quotes").await;
    assert_eq!(status, 200);
    assert_eq!(list["count"], 1);
}

#[tokio::test]
async fn form_field_encoding_is_accepted_like_json() {
    let sb = start().await;
    // What curl sends for the documented -d fields.
    let form: Vec<String> = fixture("myflyingbox", "quote_request_form.txt")
        .lines()
        .filter_map(|l| {
            l.trim().strip_prefix("-d \"").map(|r| r.trim_end_matches(['\\', ' ']).trim_end_matches('"').to_owned())
        })
        .collect();
    assert_eq!(form.len(), 15);
    let creds = demo_credentials().myflyingbox;
    let response = client()
        .post(url(&sb, "/quotes"))
        .basic_auth(creds.login, Some(creds.password))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.join("&"))
        .send()
        .await
        .expect("form quote");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let (_, from_json) =
        call(&sb, reqwest::Method::POST, "/quotes", Some(fixture("myflyingbox", "quote_request.json"))).await;
    assert_eq!(body["data"]["parcels"], from_json["data"]["parcels"]);
    assert_eq!(body["data"]["shipper"], from_json["data"]["shipper"]);
    let codes = |v: &Value| {
        v["data"]["offers"].as_array().map(|o| o.iter().map(|x| x["product"]["code"].clone()).collect::<Vec<_>>())
    };
    assert_eq!(codes(&body), codes(&from_json));
}

#[tokio::test]
async fn the_documented_filter_example_is_malformed_json_and_is_refused() {
    let sb = start().await;
    let raw = fixture("myflyingbox", "quote_request_with_filters.json");
    let (status, body) = call(&sb, reqwest::Method::POST, "/quotes", Some(raw.clone())).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["type"], "resource_not_created");
    assert!(body["error"]["details"]["body"].is_array());
    // With the missing comma restored, the filters apply.
    let fixed = raw.replace("[\"ups\"]\n", "[\"ups\"],\n");
    let (status, body) = call(&sb, reqwest::Method::POST, "/quotes", Some(fixed)).await;
    assert_eq!(status, 201, "{body}");
    let offers = body["data"]["offers"].as_array().expect("offers");
    assert!(!offers.is_empty());
    assert!(
        offers
            .iter()
            .all(|o| o["product"]["carrier_code"] == "ups" && o["product"]["code"] != "ups_access_point_standard")
    );
}

#[tokio::test]
async fn documented_document_quote_and_invalid_weights() {
    let sb = start().await;
    let (status, body) =
        call(&sb, reqwest::Method::POST, "/quotes", Some(fixture("myflyingbox", "quote_request_document.json"))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["parcel_type"], "document");
    assert!(body["data"]["offers"].as_array().expect("offers").iter().all(|o| o["product"]["drop_off"] == false));
    let mut bad = fixture_json("myflyingbox", "quote_request.json");
    bad["quote"]["parcels"][0]["weight"] = json!("1,400.5");
    bad["quote"]["parcels"][1]["length"] = json!(0);
    bad["quote"]["shipper"]["city"] = json!("");
    let (status, body) = post(&sb, "/quotes", bad).await;
    assert_eq!(status, 422);
    assert_eq!(body["status"], "failure");
    assert_eq!(body["error"]["type"], "resource_not_created");
    let details = &body["error"]["details"];
    assert!(details["parcels.0.weight"][0].as_str().is_some_and(|m| m.contains("1,400.5")), "{details}");
    assert!(details["parcels.1.length"].is_array());
    assert!(details["shipper.city"].is_array());
    let (status, body) = call(&sb, reqwest::Method::POST, "/quotes", Some("{not json".into())).await;
    assert_eq!((status, &body["error"]["type"]), (422, &json!("resource_not_created")));
}

#[tokio::test]
async fn unknown_ids_get_resource_not_found_like_the_example() {
    let sb = start().await;
    let documented = fixture_json("myflyingbox", "quote_not_found_response.json");
    let (status, body) = get(&sb, "/quotes/3").await;
    assert_eq!(status, 404);
    assert_same_shape(&documented, &body, "404");
    assert_eq!(body["error"], documented["error"]);
    for path in ["/offers/3", "/orders/3", "/orders/3/tracking", "/orders/3/labels", "/pickups/3"] {
        let (status, body) = get(&sb, path).await;
        assert_eq!((status, &body["error"]["type"]), (404, &json!("resource_not_found")), "{path}");
    }
}
