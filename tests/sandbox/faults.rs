//! Faults on demand: 5xx per carrier, fail_next, malformed, dropped and hanging
//! connections, latency, lost create answers, reproducible rates.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, demo_credentials};

use crate::common::*;

fn mfb_get(sb: &RunningSandbox, path: &str) -> reqwest::RequestBuilder {
    let c = demo_credentials().myflyingbox;
    client().get(format!("{}/myflyingbox/v2{path}", sb.base_url)).basic_auth(c.login, Some(c.password))
}

fn ecotrack_get(sb: &RunningSandbox, path: &str) -> reqwest::RequestBuilder {
    client().get(format!("{}/ecotrack/api/v1/{path}", sb.base_url)).bearer_auth(demo_credentials().ecotrack.token)
}

fn coursier(sb: &RunningSandbox) -> reqwest::RequestBuilder {
    let c = demo_credentials().coursier_fr;
    client()
        .post(format!("{}/coursier/v3/tracking.php", sb.base_url))
        .json(&json!({"User": c.user, "Apikey": c.apikey, "ClientId": c.client_id, "MissionNumber": 9005657}))
}

fn ecourier(sb: &RunningSandbox, method: &str, guid: &str, body: Value) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}/ecourier/example/software/xml/ecJsonPost.asmx/{method}", sb.base_url))
        .header("UserGUID", guid)
        .json(&body)
}

async fn ecourier_login(sb: &RunningSandbox) -> String {
    let c = demo_credentials().ecourier;
    let body = json!({"website": c.website, "username": c.username, "password": c.password});
    let answer: Value = ecourier(sb, "Login", "", body).send().await.expect("login").json().await.expect("json");
    answer["UserGUID"].as_str().expect("guid").to_owned()
}

async fn set_faults(sb: &RunningSandbox, carrier: &str, settings: Value) {
    let (status, body) = admin_put(sb, &format!("/faults/{carrier}"), settings).await;
    assert_eq!(status, 200, "{body}");
}

async fn clear_faults(sb: &RunningSandbox, carrier: &str) {
    let r = client().delete(format!("{}/_sandbox/faults/{carrier}", sb.base_url)).send().await.expect("delete");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn error_rate_one_gives_each_carriers_own_5xx() {
    let sb = start().await;
    let guid = ecourier_login(&sb).await;
    for carrier in ["myflyingbox", "ecourier", "ecotrack", "coursier_fr"] {
        set_faults(&sb, carrier, json!({"error_rate": 1.0})).await;
    }
    let r = mfb_get(&sb, "/").send().await.expect("mfb");
    assert_eq!(r.status(), 500);
    assert_eq!(r.json::<Value>().await.expect("json")["error"]["type"], "internal");
    let r = ecourier(&sb, "RefreshGUID", &guid, json!({})).send().await.expect("ec");
    assert_eq!(r.status(), 500);
    let expected: Value = serde_json::from_str(&straighten(&fixture("ecourier", "status_minus_3.json"))).expect("json");
    assert_eq!(r.json::<Value>().await.expect("json"), expected);
    for _ in 0..4 {
        let r = ecotrack_get(&sb, "get/wilayas").send().await.expect("eco");
        assert!(r.status() == 500 || r.status() == 503, "{}", r.status());
        assert!(r.headers().get("x-ratelimit-remaining-minute").is_some());
        assert!(r.json::<Value>().await.expect("json")["message"].is_string());
    }
    let r = coursier(&sb).send().await.expect("cfr");
    assert_eq!(r.status(), 500);
    let stats = admin_get(&sb, "/stats").await;
    assert_eq!(stats["faults"]["ecotrack"]["error"], 4);
    assert_eq!(stats["faults"]["myflyingbox"]["error"], 1);
}

#[tokio::test]
async fn fail_next_fails_exactly_n_calls() {
    let sb = start().await;
    set_faults(&sb, "myflyingbox", json!({"fail_next": 2})).await;
    let mut statuses = vec![];
    for _ in 0..4 {
        statuses.push(mfb_get(&sb, "/").send().await.expect("mfb").status().as_u16());
    }
    assert_eq!(statuses, vec![500, 500, 200, 200]);
    let described = admin_get(&sb, "/faults").await;
    assert_eq!(described["myflyingbox"]["fail_next_remaining"], 0);
}

#[tokio::test]
async fn malformed_answers_are_200_with_broken_json() {
    let sb = start().await;
    set_faults(&sb, "coursier_fr", json!({"malformed_rate": 1.0})).await;
    let r = coursier(&sb).send().await.expect("cfr");
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    clear_faults(&sb, "coursier_fr").await;
    let r = coursier(&sb).send().await.expect("cfr");
    assert!(r.json::<Value>().await.is_ok());
}

#[tokio::test]
async fn dropped_connections_are_errors_not_responses() {
    let sb = start().await;
    set_faults(&sb, "ecotrack", json!({"drop_rate": 1.0})).await;
    let outcome = ecotrack_get(&sb, "get/wilayas").send().await;
    assert!(outcome.is_err(), "expected a transport error, got {:?}", outcome.map(|r| r.status()));
    let stats = admin_get(&sb, "/stats").await;
    assert_eq!(stats["faults"]["ecotrack"]["drop"], 1);
}

#[tokio::test]
async fn hanging_calls_never_answer_and_latency_delays() {
    let sb = start().await;
    set_faults(&sb, "myflyingbox", json!({"hang_rate": 1.0})).await;
    let outcome = mfb_get(&sb, "/").timeout(Duration::from_millis(400)).send().await;
    assert!(outcome.as_ref().is_err_and(|e| e.is_timeout()), "{:?}", outcome.map(|r| r.status()));
    set_faults(&sb, "myflyingbox", json!({"latency_ms": 300})).await;
    let started = Instant::now();
    let r = mfb_get(&sb, "/").send().await.expect("mfb");
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let (status, body) = admin_put(&sb, "/faults/myflyingbox", json!({"error_rate": 0.7, "drop_rate": 0.5})).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = admin_put(&sb, "/faults/dhl", json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn lost_create_answers_still_store_the_order() {
    let sb = start().await;
    for carrier in ["myflyingbox", "ecourier", "ecotrack"] {
        set_faults(&sb, carrier, json!({"lose_create_answers": 1})).await;
    }
    // Ecotrack: the parcel exists although the answer never came.
    let form = [
        ("nom_client", "a"),
        ("telephone", "0560351041"),
        ("adresse", "x"),
        ("commune", "Hydra"),
        ("code_wilaya", "16"),
        ("montant", "100"),
        ("type", "1"),
    ];
    let create = || {
        client()
            .post(format!("{}/ecotrack/api/v1/create/order", sb.base_url))
            .bearer_auth(demo_credentials().ecotrack.token)
            .form(&form)
            .send()
    };
    assert!(create().await.is_err());
    assert_eq!(create().await.expect("second create").status(), 200, "only N answers are lost");
    let list: Value = ecotrack_get(&sb, "get/orders").send().await.expect("list").json().await.expect("json");
    assert_eq!(list["total"], 2);
    // e-Courier: read calls are untouched, the create is lost but stored.
    let guid = ecourier_login(&sb).await;
    let order = json!({"Order": {"OrderNumber": "LOST-1", "Service": "Route", "Stops": {"Stop": [
        {"StopType": "P", "Address": "1 A St", "City": "Orlando"}, {"StopType": "D", "Address": "2 B St", "City": "Orlando"}]}}});
    assert!(ecourier(&sb, "SaveOrder", &guid, order).send().await.is_err());
    let stored = ecourier(&sb, "GetJsonOrder", &guid, json!({"OrderNumber": "LOST-1"})).send().await.expect("get");
    assert_eq!(stored.status(), 200);
    // My Flying Box: orders and orders/automatic.
    let automatic = fixture_json("myflyingbox", "orders_automatic_request.json");
    let c = demo_credentials().myflyingbox;
    let post = || {
        client()
            .post(format!("{}/myflyingbox/v2/orders/automatic", sb.base_url))
            .basic_auth(&c.login, Some(&c.password))
            .json(&automatic)
            .send()
    };
    assert!(post().await.is_err());
    assert_eq!(post().await.expect("second").status(), 201);
    let orders = admin_get(&sb, "/orders?carrier=myflyingbox").await;
    assert_eq!(orders["myflyingbox"].as_array().map(Vec::len), Some(2));
    let stats = admin_get(&sb, "/stats").await;
    for carrier in ["myflyingbox", "ecourier", "ecotrack"] {
        assert_eq!(stats["faults"][carrier]["lost_create_answer"], 1, "{carrier}");
    }
}

#[tokio::test]
async fn fault_rates_are_reproducible_with_a_seed() {
    let mut runs = vec![];
    for _ in 0..2 {
        let sb = start().await;
        set_faults(&sb, "myflyingbox", json!({"error_rate": 0.5, "seed": 7})).await;
        let mut statuses = vec![];
        for _ in 0..24 {
            statuses.push(mfb_get(&sb, "/").send().await.expect("mfb").status().as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&500) && runs[0].contains(&200), "{:?}", runs[0]);
}
