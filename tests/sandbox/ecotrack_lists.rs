//! Ecotrack lists and bulk calls: get/orders, get/orders/status, create/orders, reference data.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use shipgate::sandbox::RunningSandbox;

use crate::common::*;
use crate::ecotrack::{create, get, order_form, shipped, token, url};

async fn statuses(sb: &RunningSandbox, trackings: &[String], status: &str) -> (u16, Value) {
    let path = format!("get/orders/status?api_token={}&trackings={}&status={status}", token(), trackings.join(","));
    let r = client().get(url(sb, &path)).send().await.expect("status");
    let code = r.status().as_u16();
    (code, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn get_orders_is_a_laravel_paginator_of_40() {
    let sb = start().await;
    for i in 0..45 {
        create(&sb, &format!("P-{i}")).await;
    }
    let (status, page1) = get(&sb, "get/orders").await;
    assert_eq!(status, 200);
    let documented = doc_keys(&fixture("ecotrack", "get_orders_response_truncated.json"));
    assert!(
        documented.is_subset(&all_keys(&page1)),
        "{:?}",
        documented.difference(&all_keys(&page1)).collect::<Vec<_>>()
    );
    assert_eq!(page1["data"].as_array().map(Vec::len), Some(40));
    assert_eq!(
        (page1["current_page"].clone(), page1["last_page"].clone(), page1["total"].clone()),
        (json!(1), json!(2), json!(45))
    );
    assert_eq!(page1["per_page"], 40);
    assert!(page1["next_page_url"].as_str().is_some_and(|u| u.ends_with("page=2")));
    assert!(page1["prev_page_url"].is_null());
    let item = &page1["data"][0];
    assert!(item["wilaya_id"].is_number() && item["phone_2"].is_null() && item["montant"].is_string());
    let (_, page2) = get(&sb, "get/orders?page=2").await;
    assert_eq!(page2["data"].as_array().map(Vec::len), Some(5));
    assert!(page2["next_page_url"].is_null());
    let (_, future) = get(&sb, "get/orders?start_date=2999-01-01&end_date=2999-12-31").await;
    assert_eq!((future["total"].clone(), future["data"].clone()), (json!(0), json!([])));
    let (status, body) = get(&sb, "get/orders?start_date=yesterday").await;
    assert_eq!(status, 422);
    assert!(body["errors"]["start_date"].is_array());
    // Older than 90 days: out of the default window.
    advance(&sb, 91 * 86400).await;
    let (_, old) = get(&sb, "get/orders").await;
    assert_eq!(old["total"], 0);
}

#[tokio::test]
async fn orders_status_filters_and_spells_statuses_inconsistently() {
    let sb = start().await;
    let mut trackings = Vec::new();
    for i in 0..12 {
        trackings.push(shipped(&sb, &format!("S-{i}")).await);
    }
    let fresh = create(&sb, "S-new").await;
    advance(&sb, 2 * 86400).await;
    let (status, body) = statuses(&sb, &trackings, "livre_non_encaisse").await;
    assert_eq!(status, 200);
    let data = body["data"].as_object().expect("data by tracking");
    assert_eq!(data.len(), trackings.len());
    let documented = doc_keys(&fixture("ecotrack", "get_orders_status_response_truncated.json"));
    let ours = all_keys(&body);
    let missing: Vec<_> = documented.iter().filter(|k| !k.starts_with("EC") && !ours.contains(*k)).collect();
    assert!(missing.is_empty(), "{missing:?}");
    let spellings: BTreeSet<&str> = data.values().filter_map(|v| v["status"].as_str()).collect();
    assert!(spellings.len() >= 2, "several spellings of one status: {spellings:?}");
    for spelling in &spellings {
        assert!(["livre_non_encaisse", "livré_non_encaissé", "Livré non encaissé"].contains(spelling), "{spelling}");
    }
    // Same parcel, same endpoint: always the same spelling.
    let (_, again) = statuses(&sb, &trackings, "all").await;
    for (tracking, entry) in data {
        assert_eq!(again["data"][tracking]["status"], entry["status"]);
        assert!(entry["order_id"].is_string());
    }
    let (_, none) = statuses(&sb, std::slice::from_ref(&fresh), "en_livraison,annule").await;
    assert_eq!(none, json!({"data": []}), "PHP sends an empty object as []");
    let (_, ready) = statuses(&sb, &[fresh], "prete_a_expedier").await;
    assert_eq!(ready["data"].as_object().map(|m| m.len()), Some(1));
    let (status, body) = statuses(&sb, &trackings, "livre").await;
    assert_eq!(status, 422);
    assert!(body["errors"]["status"].is_array());
    let too_many: Vec<String> = (0..101).map(|i| format!("EC{i:014}")).collect();
    let (status, body) = statuses(&sb, &too_many, "all").await;
    assert_eq!(status, 422);
    assert!(body["errors"]["trackings"].is_array());
}

#[tokio::test]
async fn bulk_tracking_info_mirrors_single_tracking_info() {
    let sb = start().await;
    let a = shipped(&sb, "T-a").await;
    let b = shipped(&sb, "T-b").await;
    advance(&sb, 7 * 3600).await;
    let (_, bulk) = get(&sb, &format!("get/trackings/info?trackings={a},{b},ECUNKNOWN0000000")).await;
    let data = bulk["data"].as_object().expect("by tracking");
    assert_eq!(data.keys().cloned().collect::<BTreeSet<_>>(), BTreeSet::from([a.clone(), b.clone()]));
    let (_, single) = get(&sb, &format!("get/tracking/info?tracking={a}")).await;
    assert_eq!(data[&a], single);
    let lists: BTreeMap<&str, usize> =
        data.iter().map(|(k, v)| (k.as_str(), v["activity"].as_array().map_or(0, Vec::len))).collect();
    assert!(lists.values().all(|n| *n == 3), "{lists:?}");
}

#[tokio::test]
async fn bulk_creation_answers_per_index() {
    let sb = start().await;
    let good: serde_json::Map<String, Value> =
        order_form("BULK").into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
    let body = json!({"orders": {"0": good.clone(), "1": {"nom_client": "incomplete"}, "2": good.clone()}});
    let r = client().post(url(&sb, "create/orders")).bearer_auth(token()).json(&body).send().await.expect("bulk");
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().await.expect("json");
    assert_eq!(answer["success"], false);
    assert_eq!(answer["results"]["0"]["success"], true);
    assert!(answer["results"]["0"]["tracking"].is_string());
    assert_eq!(answer["results"]["1"]["success"], false);
    assert!(answer["results"]["1"]["errors"]["telephone"].is_array());
    assert_ne!(answer["results"]["0"]["tracking"], answer["results"]["2"]["tracking"]);
    let many: serde_json::Map<String, Value> = (0..101).map(|i| (i.to_string(), Value::Object(good.clone()))).collect();
    let r = client()
        .post(url(&sb, "create/orders"))
        .bearer_auth(token())
        .json(&json!({"orders": many}))
        .send()
        .await
        .expect("bulk");
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn reference_data_and_labels() {
    let sb = start().await;
    let (_, wilayas) = get(&sb, "get/wilayas").await;
    let wilayas = wilayas.as_array().expect("wilayas").clone();
    assert_eq!(wilayas.len(), 58);
    assert!(wilayas.contains(&json!({"wilaya_id": 16, "wilaya_name": "Alger"})));
    assert!(wilayas.contains(&json!({"wilaya_id": 58, "wilaya_name": "El Meniaa"})));
    let (_, communes) = get(&sb, "get/communes?wilaya_id=16").await;
    let communes = communes.as_array().expect("communes").clone();
    assert!(communes.iter().any(|c| c["nom"] == "Ain Taya" && c["wilaya_id"] == 16));
    assert!(communes.iter().any(|c| c["has_stop_desk"] == 1) && communes.iter().any(|c| c["has_stop_desk"] == 0));
    let (_, fees) = get(&sb, "get/fees").await;
    let fees = fees["livraison"].as_array().expect("fees");
    assert_eq!(fees.len(), 58);
    assert!(fees.iter().all(|f| f["tarif"].is_string() && f["tarif_stopdesk"].is_string()));
    let tracking = create(&sb, "LBL").await;
    let r = client()
        .get(url(&sb, &format!("get/order/label?tracking={tracking}")))
        .bearer_auth(token())
        .send()
        .await
        .expect("label");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_valid_pdf(&r.bytes().await.expect("pdf"));
}
