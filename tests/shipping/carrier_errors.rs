//! Every documented error of each carrier, as the problem a merchant sees:
//! rejected input 422 `carrier_rejected` (with the carrier's fields), refusals
//! 409 `carrier_refused`, auth 424 `carrier_auth_failed`, down or slow 503
//! with Retry-After, unreadable 502, unknown 404 — each with the carrier's
//! own code and message.

use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use serde_json::{Value, json};
use shipgate::carriers::CarrierError;
use shipgate::carriers::http::UpstreamResponse;

use crate::common::{TestApp, assert_problem, json};
use crate::support::{alger, ecotrack_booking, ecourier_booking, nice, parcel, post_with_key, quote, setup, toulouse};

async fn account(app: &TestApp, body: Value) -> String {
    let r = app.post("/v1/carrier-accounts", &body).await;
    assert_eq!(r.status(), 201);
    json(r).await["id"].as_str().unwrap().to_owned()
}

/// The one error of a quote asked of one account.
async fn quote_error(app: &TestApp, account: &str, shipper: Value, recipient: Value) -> Value {
    let body = quote(
        app,
        json!({"shipper": shipper, "recipient": recipient, "parcels": [parcel()], "carrier_accounts": [account]}),
    )
    .await;
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    body["errors"][0]["error"].clone()
}

#[tokio::test]
async fn my_flying_box_errors() {
    let (app, sb) = setup().await;
    let mfb = |password: &str, path: &str| json!({"carrier": "myflyingbox", "name": "m", "credentials": {"login": "sandbox", "password": password}, "base_url": sb.url(path)});
    // 401 access_denied.
    let wrong = account(&app, mfb("wrong", "/myflyingbox/v2")).await;
    let e = quote_error(&app, &wrong, toulouse(), nice()).await;
    assert_eq!((e["code"].as_str(), e["status"].as_u64()), (Some("carrier_auth_failed"), Some(424)));
    assert_eq!(
        (e["carrier"]["code"].as_str(), e["carrier"]["http_status"].as_u64()),
        (Some("access_denied"), Some(401))
    );
    let r = app.post("/v1/shipments", &json!({"carrier_account": wrong, "service": "ups_standard", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]})).await;
    assert_problem(r, 424, "carrier_auth_failed").await;
    // 404 not_found: a route the API does not have (a wrong base URL).
    let lost = account(&app, mfb("sandbox-mfb-password", "/myflyingbox/v2/nope")).await;
    let e = quote_error(&app, &lost, toulouse(), nice()).await;
    assert_eq!((e["code"].as_str(), e["carrier"]["code"].as_str()), (Some("carrier_not_found"), Some("not_found")));
    // 422 resource_not_created, with its per-field details.
    let mut recipient = nice();
    recipient["phone"] = json!("06 11 22 33 44");
    let r = app.post("/v1/shipments", &json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": recipient, "parcels": [parcel()]})).await;
    let p = assert_problem(r, 422, "carrier_rejected").await;
    assert_eq!(p["carrier"]["code"], "resource_not_created");
    assert_eq!(p["errors"][0]["field"], "recipient.phone");
    // 500 internal: unavailable, retry later (safe calls are retried first, so it must last).
    sb.faults("myflyingbox", json!({"error_rate": 1.0})).await;
    let e = quote_error(&app, &sb.myflyingbox, toulouse(), nice()).await;
    assert_eq!(
        (e["code"].as_str(), e["carrier"]["code"].as_str(), e["retry_after"].as_u64()),
        (Some("carrier_unavailable"), Some("internal"), Some(30))
    );
    // An unreadable answer.
    sb.faults("myflyingbox", json!({"malformed_rate": 1.0})).await;
    let e = quote_error(&app, &sb.myflyingbox, toulouse(), nice()).await;
    assert_eq!((e["code"].as_str(), e["status"].as_u64()), (Some("carrier_bad_response"), Some(502)));
    sb.admin_put("/faults/myflyingbox", json!({})).await;
    // 429 from the carrier's limiter.
    sb.admin_put("/ratelimits", json!({"other_limit_per_minute": 1})).await;
    quote(&app, json!({"shipper": toulouse(), "recipient": nice(), "parcels": [parcel()], "carrier_accounts": [sb.myflyingbox]})).await;
    let e = quote_error(&app, &sb.myflyingbox, toulouse(), nice()).await;
    assert_eq!(e["code"], "upstream_rate_limited");
    assert!(e["retry_after"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn my_flying_box_resource_not_found() {
    let (app, sb) = setup().await;
    sb.faults("myflyingbox", json!({"lose_create_answers": 1})).await;
    let body = json!({"carrier_account": sb.myflyingbox, "service": "ups_standard", "shipper": toulouse(), "recipient": nice(), "parcels": [parcel()]});
    let p =
        assert_problem(post_with_key(&app, "/v1/shipments", "nf", &body).await, 503, "carrier_outcome_unknown").await;
    let id = p["shipment_id"].as_str().unwrap();
    assert_problem(post_with_key(&app, "/v1/shipments", "nf", &body).await, 409, "booking_needs_attention").await;
    // Settled with an order id the carrier does not know: its 404 resource_not_found shows.
    app.post(
        &format!("/v1/shipments/{id}/resolve"),
        &json!({"outcome": "booked", "carrier_order_id": "00000000-0000-4000-8000-000000000000"}),
    )
    .await;
    let p = assert_problem(app.get(&format!("/v1/shipments/{id}/label")).await, 404, "carrier_not_found").await;
    assert_eq!(
        (p["carrier"]["code"].as_str(), p["carrier"]["message"].as_str()),
        (Some("resource_not_found"), Some("Order not found"))
    );
}

/// The document's error samples, with its curly quotes and missing colons
/// straightened into the JSON the service really sends.
fn ecourier_sample(name: &str) -> Bytes {
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/ecourier/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let fixed = text.replace(['“', '”'], "\"").replace("\"\"", "\": \"").replace('\u{a0}', " ");
    serde_json::from_str::<Value>(&fixed).expect("straightened sample is JSON");
    Bytes::from(fixed)
}

fn http500(body: Bytes) -> UpstreamResponse {
    UpstreamResponse {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        headers: HeaderMap::new(),
        body,
        elapsed: Default::default(),
    }
}

#[test]
fn e_courier_statuses_that_no_request_of_ours_can_provoke_map_too() {
    use shipgate::carriers::ecourier::client::check;
    let minus_1 = check(&http500(ecourier_sample("status_minus_1.json"))).unwrap_err();
    assert!(matches!(minus_1, CarrierError::Unavailable { .. }), "{minus_1:?}");
    let minus_2 = check(&http500(ecourier_sample("status_minus_2.json"))).unwrap_err();
    assert!(matches!(minus_2, CarrierError::BadResponse { .. }), "{minus_2:?}");
    let minus_5 = check(&http500(ecourier_sample("status_minus_5.json"))).unwrap_err();
    assert!(
        matches!(&minus_5, CarrierError::AuthFailed { said, .. } if said.code.as_deref() == Some("-5")),
        "{minus_5:?}"
    );
    let minus_4 = check(&http500(ecourier_sample("status_minus_4.json"))).unwrap_err();
    assert!(matches!(minus_4, CarrierError::NotFound { .. }), "{minus_4:?}");
}

fn us() -> (Value, Value) {
    let b = ecourier_booking("", "Rush");
    (b["shipper"].clone(), b["recipient"].clone())
}

#[tokio::test]
async fn e_courier_errors() {
    let (app, sb) = setup().await;
    let (from, to) = us();
    let base = sb.url("/ecourier/example/software/xml/ecJsonPost.asmx");
    // -4 on Login: wrong password is an auth failure.
    let wrong = account(&app, json!({"carrier": "ecourier", "name": "e", "credentials": {"website": "example", "username": "sandbox", "password": "nope"}, "base_url": base})).await;
    let e = quote_error(&app, &wrong, from.clone(), to.clone()).await;
    assert_eq!((e["code"].as_str(), e["carrier"]["code"].as_str()), (Some("carrier_auth_failed"), Some("-4")));
    // -6: an unknown or expired UserGUID.
    let guid = account(&app, json!({"carrier": "ecourier", "name": "g", "credentials": {"website": "example", "user_guid": "{011114A4-5391-46E0-B576-9835485F5731}"}, "base_url": base})).await;
    let e = quote_error(&app, &guid, from.clone(), to.clone()).await;
    assert_eq!(
        (e["code"].as_str(), e["carrier"]["code"].as_str(), e["status"].as_u64()),
        (Some("carrier_auth_failed"), Some("-6"), Some(424))
    );
    // -4 on an order: values the customer system does not have.
    let p = assert_problem(
        app.post("/v1/shipments", &ecourier_booking(&sb.ecourier, "Teleport")).await,
        422,
        "carrier_rejected",
    )
    .await;
    assert_eq!(p["carrier"]["code"], "-4");
    assert_eq!(p["carrier"]["message"], "Service 'Teleport' is not available for this customer");
    // -3: database unavailable; retry later.
    sb.faults("ecourier", json!({"fail_next": 1})).await;
    let r = app.post("/v1/shipments", &ecourier_booking(&sb.ecourier, "Rush")).await;
    assert!(r.headers().contains_key("retry-after"));
    let p = assert_problem(r, 503, "carrier_unavailable").await;
    assert_eq!((p["carrier"]["code"].as_str(), p["carrier"]["http_status"].as_u64()), (Some("-3"), Some(500)));
    // Unreadable answer.
    sb.faults("ecourier", json!({"malformed_rate": 1.0})).await;
    let e = quote_error(&app, &sb.ecourier, from.clone(), to.clone()).await;
    assert_eq!(e["code"], "carrier_bad_response");
    sb.admin_put("/faults/ecourier", json!({})).await;
    // 429 with status -1 "Too Many Requests" (the login passes, the quotes do not).
    sb.admin_put("/ratelimits", json!({"other_limit_per_minute": 1})).await;
    let e = quote_error(&app, &sb.ecourier, from, to).await;
    assert_eq!(e["code"], "upstream_rate_limited");
    // (409 refusals: see ecourier::once_picked_up_the_customer_rules_refuse_changes_and_cancellation.)
}

#[tokio::test]
async fn ecotrack_errors() {
    let (app, sb) = setup().await;
    let dz = json!({"country": "DZ", "state": "16", "city": "Hydra"});
    // 401 Unauthenticated.
    let wrong = account(&app, json!({"carrier": "ecotrack", "name": "t", "credentials": {"api_token": "not-a-token"}, "base_url": sb.url("/ecotrack")})).await;
    let e = quote_error(&app, &wrong, alger(), dz.clone()).await;
    assert_eq!(
        (e["code"].as_str(), e["carrier"]["http_status"].as_u64(), e["carrier"]["message"].as_str()),
        (Some("carrier_auth_failed"), Some(401), Some("Unauthenticated."))
    );
    // 422 Laravel validation, field by field.
    let mut body = ecotrack_booking(&sb.ecotrack, "LARAVEL");
    body["recipient"]["phone"] = json!("12");
    let p = assert_problem(app.post("/v1/shipments", &body).await, 422, "carrier_rejected").await;
    assert_eq!(p["carrier"]["code"], "422");
    assert_eq!(
        p["errors"][0],
        json!({"field": "telephone", "message": "Le champ telephone doit contenir 9 ou 10 chiffres."})
    );
    // 200 {"success": false}: "Commande introuvable" is an unknown order.
    let booked = crate::support::book(&app, ecotrack_booking(&sb.ecotrack, "GONE")).await;
    let tracking = booked["carrier_order_id"].as_str().unwrap();
    reqwest::Client::new()
        .delete(sb.url("/ecotrack/api/v1/delete/order"))
        .query(&[("tracking", tracking)])
        .bearer_auth("sandbox-ecotrack-token")
        .send()
        .await
        .unwrap();
    let p = assert_problem(
        app.get(&format!("/v1/shipments/{}/label", booked["id"].as_str().unwrap())).await,
        404,
        "carrier_not_found",
    )
    .await;
    assert_eq!(p["carrier"]["message"], "Commande introuvable");
    // 500 / 503, lasting (safe calls are retried first). A fresh account: its
    // reference data is not cached yet, so the quote calls out.
    let ecotrack = json!({"carrier": "ecotrack", "name": "t", "credentials": {"api_token": "sandbox-ecotrack-token"}, "base_url": sb.url("/ecotrack")});
    sb.faults("ecotrack", json!({"error_rate": 1.0})).await;
    let e = quote_error(&app, &account(&app, ecotrack.clone()).await, alger(), dz.clone()).await;
    assert_eq!(e["code"], "carrier_unavailable");
    assert!(matches!(e["carrier"]["http_status"].as_u64(), Some(500 | 503)));
    // Unreadable.
    sb.faults("ecotrack", json!({"malformed_rate": 1.0})).await;
    assert_eq!(
        quote_error(&app, &account(&app, ecotrack.clone()).await, alger(), dz.clone()).await["code"],
        "carrier_bad_response"
    );
    sb.admin_put("/faults/ecotrack", json!({})).await;
    // 429 Too Many Attempts, with Retry-After.
    sb.admin_put("/ratelimits", json!({"ecotrack": {"per_minute": 1}})).await;
    let fresh = account(&app, ecotrack).await;
    let e = quote_error(&app, &fresh, alger(), dz).await;
    assert_eq!(e["code"], "upstream_rate_limited");
    assert!(e["retry_after"].as_u64().unwrap() >= 1);
}
