//! The tracker API as a hostile client sees it: duplicates, batches, filters,
//! other tenants, unknown values, discovery where a carrier has none.

use serde_json::{Value, json};

use crate::common::{assert_problem, json};
use crate::helpers::track;
use crate::support::setup;

#[tokio::test]
async fn the_same_parcel_twice_is_one_tracker() {
    let (app, sb) = setup().await;
    let first = track(&app, &sb.ecotrack, "ECTEST2511230001").await;
    assert_eq!(first.status(), 201);
    let first = json(first).await;
    assert!(first["id"].as_str().unwrap().starts_with("trk_"));
    assert_eq!(first["origin"], "api");
    assert_eq!(first["events"], json!([]));
    let again = track(&app, &sb.ecotrack, " ECTEST2511230001 ").await;
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await["id"], first["id"]);

    // Another tenant sees nothing of it.
    let other = app.key_for("someone-else").await;
    let id = first["id"].as_str().unwrap();
    assert_problem(app.get_as(&other, &format!("/v1/trackers/{id}")).await, 404, "not_found").await;
    let listed = json(app.get_as(&other, "/v1/trackers").await).await;
    assert_eq!(listed["data"], json!([]));

    let r = app.delete(&format!("/v1/trackers/{id}")).await;
    assert_eq!(r.status(), 204);
    assert_problem(app.delete(&format!("/v1/trackers/{id}")).await, 404, "not_found").await;
}

#[tokio::test]
async fn batches_answer_per_item_and_are_bounded() {
    let (app, sb) = setup().await;
    let items: Vec<Value> = (0..5)
        .map(|i| json!({"carrier_account_id": sb.ecotrack, "tracking_number": format!("ECBATCH000{i}")}))
        .chain([
            json!({"carrier_account_id": sb.ecotrack, "tracking_number": ""}),
            json!({"carrier_account_id": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "tracking_number": "X1"}),
            json!({"carrier_account_id": sb.ecotrack, "tracking_number": "ECBATCH0000"}),
        ])
        .collect();
    let r = app.post("/v1/trackers/batch", &json!({"trackers": items})).await;
    assert_eq!(r.status(), 200);
    let results = json(r).await["data"].as_array().unwrap().clone();
    let kinds: Vec<&str> = results.iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "created", "created", "created", "created", "failed", "failed", "existing"]);
    assert_eq!(results[5]["error"]["code"], "validation_failed");
    assert_eq!(results[6]["error"]["code"], "not_found");

    let too_many: Vec<Value> =
        (0..1001).map(|i| json!({"carrier_account_id": sb.ecotrack, "tracking_number": format!("N{i}")})).collect();
    assert_problem(app.post("/v1/trackers/batch", &json!({"trackers": too_many})).await, 422, "validation_failed")
        .await;
    assert_problem(app.post("/v1/trackers/batch", &json!({"trackers": []})).await, 422, "validation_failed").await;

    let page = json(app.get("/v1/trackers?carrier=ecotrack&status=unknown&limit=2").await).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let next = page["next_cursor"].as_str().unwrap();
    let rest = json(app.get(&format!("/v1/trackers?carrier=ecotrack&limit=100&cursor={next}")).await).await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 3);
    assert!(page["data"][0].get("events").is_none(), "lists leave history out");
    let none = json(app.get("/v1/trackers?status=delivered").await).await;
    assert_eq!(none["data"], json!([]));
}

#[tokio::test]
async fn hostile_tracker_requests_get_problems() {
    let (app, sb) = setup().await;
    for (path, status, code) in [
        ("/v1/trackers?status=teleported", 400, "invalid_query"),
        ("/v1/trackers?carrier=pigeon", 400, "invalid_query"),
        ("/v1/trackers?updated_since=yesterday", 400, "invalid_query"),
        ("/v1/trackers?limit=0", 400, "invalid_query"),
        ("/v1/trackers?cursor=abc", 400, "invalid_query"),
        ("/v1/trackers/shp_01jd8x5g2k3m4n5p6q7r8s9t0v", 404, "not_found"),
        ("/v1/trackers/trk_01jd8x5g2k3m4n5p6q7r8s9t0v?refresh=maybe", 400, "invalid_query"),
    ] {
        assert_problem(app.get(path).await, status, code).await;
    }
    for (body, code) in [
        (json!({"carrier_account_id": sb.ecotrack}), "invalid_body"),
        (json!({"carrier_account_id": sb.ecotrack, "tracking_number": 42}), "invalid_body"),
        (json!({"carrier_account_id": sb.ecotrack, "tracking_number": "A", "extra": 1}), "invalid_body"),
        (json!({"carrier_account_id": sb.ecotrack, "tracking_number": "A,B"}), "validation_failed"),
        (json!({"carrier_account_id": sb.ecotrack, "tracking_number": "x".repeat(101)}), "validation_failed"),
    ] {
        assert_problem(app.post("/v1/trackers", &body).await, 422, code).await;
    }
    assert_problem(
        app.post(
            "/v1/trackers",
            &json!({"carrier_account_id": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "tracking_number": "A"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // My Flying Box cannot list parcels booked elsewhere.
    let path = format!("/v1/carrier-accounts/{}/discover", sb.myflyingbox);
    assert_problem(app.post(&path, &json!({})).await, 422, "unsupported_by_carrier").await;
    let statuses = json(app.get("/v1/tracking-statuses").await).await;
    let rows = statuses["data"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["carrier"] == "ecotrack" && r["raw"] == "livré_non_encaissé"));
    assert!(rows.iter().any(|r| r["carrier"] == "coursier_fr" && r["raw"] == "Enlevée"));
}
