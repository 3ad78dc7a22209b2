//! Coursier.fr tracking v3: the document's example, legs, ongoing missions, errors.

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, demo_credentials};

use crate::common::*;

fn credentials() -> Value {
    let c = demo_credentials().coursier_fr;
    json!({"User": c.user, "Apikey": c.apikey, "ClientId": c.client_id})
}

async fn track_raw(sb: &RunningSandbox, body: String) -> (u16, String) {
    let response = client()
        .post(format!("{}/coursier/v3/tracking.php", sb.base_url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("tracking call");
    (response.status().as_u16(), response.text().await.expect("body"))
}

async fn track(sb: &RunningSandbox, extra: Value) -> Value {
    let mut body = credentials();
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    let (status, text) = track_raw(sb, body.to_string()).await;
    assert_eq!(status, 200);
    serde_json::from_str(&text).expect("json answer")
}

async fn mission(sb: &RunningSandbox, body: Value) -> String {
    let (status, answer) = admin_post(sb, "/coursier_fr/missions", body).await;
    assert_eq!(status, 201, "{answer}");
    answer["MissionNumber"].as_str().expect("number").to_owned()
}

#[tokio::test]
async fn replaying_the_documented_request_returns_the_documented_answer_byte_for_byte() {
    let sb = start().await;
    let php = fixture("coursier_fr", "tracking_request.php");
    assert!(php.contains("'MissionNumber' => '9005657'"));
    // json_encode() of the PHP array in the example: every value is a string.
    let body = r#"{"User":"test@apicfr.fr","Apikey":"e1ab1411d66765e73cf4b068d39cda8a","ClientId":"7055339","MissionNumber":"9005657","Lang":"FR"}"#;
    let (status, text) = track_raw(&sb, body.into()).await;
    assert_eq!(status, 200);
    assert_eq!(text, fixture("coursier_fr", "tracking_response.json"));
    let english = track(&sb, json!({"MissionNumber": 9005657, "Lang": "EN"})).await;
    assert_eq!(english[0]["State"], "Approaching delivery");
    assert_eq!(english[0]["Picture"], "https://iris.coursier.fr/worker/view/710");
}

#[tokio::test]
async fn errors_are_a_message_object_with_http_200() {
    let sb = start().await;
    let mut wrong = credentials();
    wrong["Apikey"] = json!("nope");
    wrong["MissionNumber"] = json!(9005657);
    for body in [wrong.to_string(), "not json".to_owned(), json!({"User": "x"}).to_string()] {
        let (status, text) = track_raw(&sb, body).await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_str(&text).expect("json");
        assert!(answer.is_object() && answer["Message"].is_string(), "{answer}");
    }
    let missing = track(&sb, json!({"MissionNumber": 1})).await;
    assert!(missing["Message"].as_str().is_some_and(|m| m.contains("not found")));
}

#[tokio::test]
async fn a_mission_moves_through_its_states_with_proof_of_delivery() {
    let sb = start().await;
    let number = mission(&sb, json!({"from": "Boutique Georges 5", "to": "Yann THEBAULT"})).await;
    let state = |legs: &Value| legs[0]["State"].as_str().unwrap_or("").to_owned();
    let legs = track(&sb, json!({"MissionNumber": number})).await;
    assert_same_shape(&fixture_json("coursier_fr", "tracking_response.json")[0], &legs[0], "leg");
    assert_eq!(state(&legs), "Non dispatchée");
    assert_eq!(legs[0]["WorkerSurname"], "");
    let mut seen = vec![];
    for _ in 0..9 {
        advance(&sb, 20 * 60).await;
        let legs = track(&sb, json!({"MissionNumber": number})).await;
        if seen.last() != Some(&state(&legs)) {
            seen.push(state(&legs));
        }
    }
    assert_eq!(seen, vec!["Dispatchée", "En approche enlèvement", "Enlevée", "En approche livraison", "Livrée"]);
    let legs = track(&sb, json!({"MissionNumber": number})).await;
    let leg = &legs[0];
    for field in ["PickupDate", "DeliveryDate", "ProofOfDelivery", "WorkerShortCode", "Picture"] {
        assert!(leg[field].as_str().is_some_and(|v| !v.is_empty()), "{field}");
    }
    assert_eq!(leg["DeliverySignee"], "Yann THEBAULT");
    let date = leg["DeliveryDate"].as_str().unwrap_or("");
    assert!(chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%d %H:%M:%S").is_ok(), "{date}");
    advance(&sb, 86400).await;
    let english = track(&sb, json!({"MissionNumber": number, "Lang": "EN"})).await;
    assert_eq!(state(&english), "To be invoiced");
    advance(&sb, 7 * 86400).await;
    assert_eq!(state(&track(&sb, json!({"MissionNumber": number})).await), "Facturée");
}

#[tokio::test]
async fn a_failed_load_adds_a_replanned_leg_with_its_own_mission_id() {
    let sb = start().await;
    let number = mission(&sb, json!({"scenario": "failed_load"})).await;
    let before = track(&sb, json!({"MissionNumber": number})).await;
    assert_eq!(before.as_array().map(Vec::len), Some(1));
    advance(&sb, 2 * 3600).await;
    let after = track(&sb, json!({"MissionNumber": number, "Lang": "EN"})).await;
    let legs = after.as_array().expect("legs");
    assert_eq!(legs.len(), 2);
    assert_eq!(legs[0]["State"], "Incident");
    assert_ne!(legs[0]["MissionId"], legs[1]["MissionId"]);
    assert_eq!(legs[0]["MissionNumber"], legs[1]["MissionNumber"]);
    advance(&sb, 3 * 86400).await;
    let done = track(&sb, json!({"MissionNumber": number, "Lang": "EN"})).await;
    assert_eq!(done[1]["State"], "To be invoiced");
    assert_eq!(done[0]["State"], "Incident");
}

#[tokio::test]
async fn without_a_mission_number_every_ongoing_mission_of_the_client_is_returned() {
    let sb = start().await;
    let (status, _) = admin_post(
        &sb,
        "/accounts",
        json!({"carrier": "coursier_fr", "credentials": {"User": "other@x.fr", "Apikey": "k2", "ClientId": 42}}),
    )
    .await;
    assert_eq!(status, 201);
    let a = mission(&sb, json!({})).await;
    let b = mission(&sb, json!({"scenario": "cancelled"})).await;
    mission(&sb, json!({"client_id": 42})).await;
    for extra in [json!({}), json!({"MissionNumber": null}), json!({"MissionNumber": ""})] {
        let all = track(&sb, extra).await;
        let numbers: Vec<&str> =
            all.as_array().expect("array").iter().filter_map(|l| l["MissionNumber"].as_str()).collect();
        assert_eq!(numbers, vec![a.as_str(), b.as_str()], "the 2020 example and other clients are left out");
    }
    let (status, text) =
        track_raw(&sb, json!({"User": "other@x.fr", "Apikey": "k2", "ClientId": "42"}).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&text).expect("json").as_array().map(Vec::len), Some(1));
    advance(&sb, 3600).await;
    let cancelled = track(&sb, json!({"MissionNumber": b})).await;
    assert_eq!(cancelled[0]["State"], "Annulée");
}
