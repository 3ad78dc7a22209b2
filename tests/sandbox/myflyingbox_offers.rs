//! My Flying Box v2: prices, filters and sorting, relay and drop-off points.

use serde_json::{Value, json};

use crate::common::*;
use crate::myflyingbox::{get, offer_of, parcel, post, quote};
use crate::myflyingbox_orders::contacts;

#[tokio::test]
async fn prices_are_deterministic_and_domestic_france_pays_vat() {
    let sb = start().await;
    let a = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(2.0)]).await;
    let b = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(2.0)]).await;
    let heavier = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(9.0)]).await;
    let total = |q: &Value, code: &str| offer_of(q, code)["total_price"]["amount_in_cents"].as_i64().unwrap_or(0);
    assert_eq!(total(&a, "ups_standard"), total(&b, "ups_standard"));
    assert!(total(&heavier, "ups_standard") > total(&a, "ups_standard"));
    let ups = offer_of(&a, "ups_standard");
    assert_eq!(ups["vat_scheme_code"], "FR_20");
    let price = ups["price"]["amount_in_cents"].as_i64().unwrap_or(0);
    assert_eq!(ups["price_vat"]["amount_in_cents"].as_i64(), Some((price as f64 * 0.2).round() as i64));
    assert!(
        a["offers"].as_array().expect("offers").iter().all(|o| o["product"]["carrier_code"] != "dhl"),
        "DHL Express is international only"
    );
}

#[tokio::test]
async fn filters_and_sorting_are_honoured() {
    let sb = start().await;
    let base = json!({
        "shipper": {"country": "FR", "postal_code": "75001", "city": "Paris"},
        "recipient": {"country": "FR", "postal_code": "31300", "city": "Toulouse"},
        "parcels": [parcel(3.0)],
    });
    let with = |extra: Value| {
        let mut q = base.clone();
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            q[k] = v;
        }
        json!({"quote": q})
    };
    let (_, asc) = post(&sb, "/quotes", with(json!({"offers_sort_attributes": {"total_price": "asc"}}))).await;
    let totals: Vec<i64> = asc["data"]["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .map(|o| o["total_price"]["amount_in_cents"].as_i64().unwrap_or(0))
        .collect();
    assert!(totals.len() > 2 && totals.windows(2).all(|w| w[0] <= w[1]), "{totals:?}");
    let (_, desc) = post(&sb, "/quotes", with(json!({"offers_sort_attributes": {"total_price": "desc"}}))).await;
    let first = &desc["data"]["offers"][0]["total_price"]["amount_in_cents"];
    assert_eq!(first.as_i64(), totals.last().copied());
    let (_, no_drop) = post(&sb, "/quotes", with(json!({"offers_filters": {"with_drop_off": false}}))).await;
    assert!(no_drop["data"]["offers"].as_array().expect("offers").iter().all(|o| o["product"]["drop_off"] == false));
    let (_, only) = post(
        &sb,
        "/quotes",
        with(
            json!({"offers_filters": {"with_product_codes": ["chronopost_relais"], "without_carrier_codes": ["ups"]}}),
        ),
    )
    .await;
    let codes: Vec<&Value> =
        only["data"]["offers"].as_array().expect("offers").iter().map(|o| &o["product"]["code"]).collect();
    assert_eq!(codes, vec!["chronopost_relais"]);
    let (status, bad) = post(&sb, "/quotes", with(json!({"offers_sort_attributes": {"total_price": "up"}}))).await;
    assert_eq!(status, 422);
    assert!(bad["error"]["details"]["offers_sort_attributes"].is_array());
}

#[tokio::test]
async fn relay_and_drop_off_locations_have_codes() {
    let sb = start().await;
    let q = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(1.0)]).await;
    let relay = offer_of(&q, "ups_access_point_standard")["id"].as_str().unwrap_or("").to_owned();
    let path = format!(
        "/offers/{relay}/available_delivery_locations?location[street]=1+rue+Alsace&location[postal_code]=31000&location[city]=Toulouse&location[country]=FR"
    );
    let (status, body) = get(&sb, &path).await;
    assert_eq!(status, 200);
    let locations = body["data"].as_array().expect("locations");
    assert_eq!(body["count"], json!(locations.len()));
    for location in locations {
        for key in
            ["code", "company", "street", "postal_code", "city", "country", "latitude", "longitude", "opening_hours"]
        {
            assert!(location.get(key).is_some(), "{key} in {location}");
        }
        assert_eq!(location["postal_code"], "31000");
        let day = &location["opening_hours"][0];
        assert!(day["day"].as_u64().is_some_and(|d| (1..=7).contains(&d)) && day["hours"].is_string());
    }
    let (status, body) = get(&sb, &format!("/offers/{relay}/available_drop_off_locations")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["postal_code"], "75001");
    let pick_up_only = offer_of(&q, "ups_standard")["id"].as_str().unwrap_or("").to_owned();
    let (_, body) = get(&sb, &format!("/offers/{pick_up_only}/available_delivery_locations")).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn relay_products_need_a_location_code() {
    let sb = start().await;
    let q = quote(&sb, ("FR", "75001", "Paris"), ("FR", "31300", "Toulouse"), vec![parcel(1.0)]).await;
    let offer = offer_of(&q, "chronopost_relais")["id"].clone();
    let mut order = contacts();
    order["offer_id"] = offer.clone();
    order["parcels"] = json!([{}]);
    let (status, body) = post(&sb, "/orders", json!({"order": order.clone()})).await;
    assert_eq!(status, 422);
    assert!(body["error"]["details"]["recipient.location_code"].is_array());
    let (_, locations) =
        get(&sb, &format!("/offers/{}/available_delivery_locations", offer.as_str().unwrap_or(""))).await;
    let code = locations["data"][1]["code"].clone();
    order["recipient"]["location_code"] = code.clone();
    let (status, body) = post(&sb, "/orders", json!({"order": order})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["recipient"]["location_code"], code);
    assert_eq!(body["data"]["recipient"]["company"], locations["data"][1]["company"]);
}
