//! Quotes across carriers: concurrent fan-out, per-carrier errors and
//! deadline, price split and insurance, filters and sort, stored offers.

use std::time::Instant;

use serde_json::{Value, json};

use crate::common::{assert_problem, json};
use crate::support::{assert_money, nice, parcel, quote, setup, toulouse};

fn carriers_of(offers: &Value) -> Vec<String> {
    offers.as_array().unwrap().iter().map(|o| o["carrier"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn quotes_all_carriers_at_once_and_lists_the_ones_that_fail() {
    let (app, sb) = setup().await;
    let body = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel(), {"weight": 1, "length": 20, "width": 20, "height": 10}]})).await;
    let offers = body["offers"].as_array().unwrap();
    let carriers = carriers_of(&body["offers"]);
    assert!(carriers.contains(&"myflyingbox".to_owned()) && carriers.contains(&"ecourier".to_owned()), "{carriers:?}");
    // Ecotrack ships within Algeria: its refusal is a per-carrier error, not a failed request.
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["carrier"], "ecotrack");
    assert_eq!(errors[0]["carrier_account"], sb.ecotrack);
    assert_eq!(errors[0]["error"]["code"], "carrier_rejected");
    assert_eq!(errors[0]["error"]["errors"][0]["field"], "recipient.country");
    // Coursier.fr has no quotes: it is not asked by default.
    assert_eq!(sb.calls("coursier_fr", "POST /v3/tracking.php").await, 0);

    assert!(body["id"].as_str().unwrap().starts_with("quo_"));
    let mut last = 0.0;
    for offer in offers {
        assert!(offer["id"].as_str().unwrap().starts_with("ofr_"), "{offer}");
        assert_money(&offer["price"]["before_tax"]);
        assert_money(&offer["price"]["total"]);
        assert!(offer["expires_at"].is_string());
        assert!(offer["delivery_type"] == "home" || offer["delivery_type"] == "relay");
        for flag in ["pickup", "drop_off", "delayed_pickup", "cash_on_delivery"] {
            assert!(offer[flag].is_boolean(), "{flag}: {offer}");
        }
        // Default sort: cheapest first (same currency within a carrier's offers is enough here).
        if offer["price"]["total"]["currency"] == "EUR" {
            let total: f64 = offer["price"]["total"]["amount"].as_str().unwrap().parse().unwrap();
            assert!(total >= last, "not sorted by price: {offers:?}");
            last = total;
        }
    }
    // My Flying Box sends the split: before tax, tax and total (its amount_in_cents, exactly).
    let mfb = offers.iter().find(|o| o["carrier"] == "myflyingbox" && o["service"]["code"] == "ups_standard").unwrap();
    let (before, tax, total) =
        (&mfb["price"]["before_tax"]["amount"], &mfb["price"]["tax"]["amount"], &mfb["price"]["total"]["amount"]);
    let cents = |v: &Value| (v.as_str().unwrap().parse::<f64>().unwrap() * 100.0).round() as i64;
    assert_eq!(cents(before) + cents(tax), cents(total), "{mfb}");
    assert_eq!(mfb["delivery_estimate"], json!({"kind": "hours", "min_hours": 48, "max_hours": 72}));
    assert!(mfb["pickup"].as_bool().unwrap() && !mfb["collection_dates"].as_array().unwrap().is_empty());
    // e-Courier quotes a window, in dollars, per configured service.
    let ec: Vec<&Value> = offers.iter().filter(|o| o["carrier"] == "ecourier").collect();
    assert_eq!(ec.len(), 3, "one per configured service");
    assert_eq!(ec[0]["price"]["total"]["currency"], "USD");
    assert_eq!(ec[0]["delivery_estimate"]["kind"], "window");
    assert_eq!(sb.calls("ecourier", "POST /QuoteOrder").await, 3);

    // Stored with their expiry: the quote and each offer read back, in order.
    let id = body["id"].as_str().unwrap();
    let stored = json(app.get(&format!("/v1/quotes/{id}")).await).await;
    assert_eq!(stored["offers"], body["offers"]);
    assert_eq!(stored["errors"], body["errors"]);
    let one = json(app.get(&format!("/v1/offers/{}", offers[0]["id"].as_str().unwrap())).await).await;
    assert_eq!(one, offers[0]);
}

#[tokio::test]
async fn declared_value_prices_insurance_as_its_own_line() {
    let (app, sb) = setup().await;
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "declared_value": {"amount": "1000.00", "currency": "EUR"}, "carrier_accounts": [sb.myflyingbox]}),
    )
    .await;
    let offers = body["offers"].as_array().unwrap();
    assert!(!offers.is_empty());
    for offer in offers {
        // 1.2% of 1000 EUR, before tax, apart from the transport price.
        assert_eq!(offer["insurance"], json!({"amount": "12.00", "currency": "EUR"}), "{offer}");
    }
    let without = quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "carrier_accounts": [sb.myflyingbox]})).await;
    assert!(without["offers"][0].get("insurance").is_none());
}

#[tokio::test]
async fn filters_and_sort_reach_my_flying_box_and_apply_to_everyone() {
    let (app, sb) = setup().await;
    // Carrier networks filter: My Flying Box filters upstream, e-Courier offers are dropped locally.
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "carrier_accounts": [sb.myflyingbox, sb.ecourier], "filters": {"carriers": ["colissimo", "chronopost"]}}),
    )
    .await;
    let codes: Vec<&str> =
        body["offers"].as_array().unwrap().iter().map(|o| o["service"]["carrier_code"].as_str().unwrap()).collect();
    assert!(!codes.is_empty() && codes.iter().all(|c| *c == "colissimo" || *c == "chronopost"), "{codes:?}");

    // Relay delivery only (applied locally), fastest first.
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "filters": {"delivery_type": "relay"}, "sort": {"by": "speed"}}),
    )
    .await;
    let offers = body["offers"].as_array().unwrap();
    assert!(!offers.is_empty());
    assert!(offers.iter().all(|o| o["delivery_type"] == "relay"));
    let hours: Vec<i64> = offers.iter().map(|o| o["delivery_estimate"]["max_hours"].as_i64().unwrap()).collect();
    assert!(hours.windows(2).all(|w| w[0] <= w[1]), "{hours:?}");

    // Price, most expensive first; carriers' networks sorted by name.
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "carrier_accounts": [sb.myflyingbox], "sort": {"by": "price", "order": "desc"}}),
    )
    .await;
    let totals: Vec<f64> = body["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["price"]["total"]["amount"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "sort": {"by": "carrier"}}),
    )
    .await;
    let networks: Vec<&str> =
        body["offers"].as_array().unwrap().iter().map(|o| o["service"]["carrier_code"].as_str().unwrap()).collect();
    assert!(networks.windows(2).all(|w| w[0] <= w[1]), "{networks:?}");
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "sort": {"by": "delivery_type"}}),
    )
    .await;
    let types: Vec<&str> =
        body["offers"].as_array().unwrap().iter().map(|o| o["delivery_type"].as_str().unwrap()).collect();
    assert!(types.windows(2).all(|w| w[0] <= w[1]), "{types:?}");
}

#[tokio::test]
async fn a_slow_carrier_misses_its_deadline_without_holding_the_others() {
    let (app, sb) = setup().await;
    sb.faults("ecourier", json!({"latency_ms": 8000})).await;
    let started = Instant::now();
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "deadline_ms": 1000,
        "carrier_accounts": [sb.myflyingbox, sb.ecourier]}),
    )
    .await;
    // Loose bound: the slow carrier's 8 s are not waited for.
    assert!(started.elapsed().as_millis() < 7000, "{:?}", started.elapsed());
    assert!(carriers_of(&body["offers"]).iter().all(|c| c == "myflyingbox"));
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["carrier"], "ecourier");
    assert_eq!(errors[0]["error"]["code"], "carrier_unavailable");
    assert_eq!(errors[0]["error"]["status"], 503);
}

#[tokio::test]
async fn algerian_quotes_come_from_ecotrack_fees_cached_once() {
    let (app, sb) = setup().await;
    let ask = json!({"shipper": crate::support::alger(), "recipient": {"country": "DZ", "state": "16", "city": "Hydra"},
        "parcels": [parcel()], "carrier_accounts": [sb.ecotrack], "cash_on_delivery": {"amount": "2500.00", "currency": "DZD"}});
    let body = quote(&app, ask.clone()).await;
    let offers = body["offers"].as_array().unwrap();
    let services: Vec<&str> = offers.iter().map(|o| o["service"]["code"].as_str().unwrap()).collect();
    assert_eq!(services, ["stop_desk", "home"], "cheapest first");
    assert_eq!(offers[1]["price"]["total"], json!({"amount": "400.00", "currency": "DZD"}));
    assert_eq!(offers[0]["delivery_type"], "relay");
    assert!(offers.iter().all(|o| o["cash_on_delivery"] == true));
    quote(&app, ask).await;
    // Reference data is cached in Postgres: fetched once for both quotes.
    assert_eq!(sb.calls("ecotrack", "GET /api/v1/get/fees").await, 1);
    assert_eq!(sb.calls("ecotrack", "GET /api/v1/get/communes").await, 1);
}

#[tokio::test]
async fn carriers_without_quotes_answer_unsupported_and_unknown_accounts_404() {
    let (app, sb) = setup().await;
    let body = quote(
        &app,
        json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()],
        "carrier_accounts": [sb.coursier_fr, sb.myflyingbox]}),
    )
    .await;
    assert_eq!(body["errors"][0]["carrier"], "coursier_fr");
    assert_eq!(body["errors"][0]["error"]["code"], "unsupported_by_carrier");
    assert!(!body["offers"].as_array().unwrap().is_empty());

    let other = app.key_for("someone-else").await;
    let r = app.post_as(&other, "/v1/quotes", &json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "carrier_accounts": [sb.myflyingbox]})).await;
    assert_problem(r, 404, "not_found").await;
    let r = app
        .post_as(&other, "/v1/quotes", &json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]}))
        .await;
    assert_problem(r, 422, "no_quoting_accounts").await;
    let offer = body["offers"][0]["id"].as_str().unwrap();
    assert_problem(app.get_as(&other, &format!("/v1/offers/{offer}")).await, 404, "not_found").await;
}
