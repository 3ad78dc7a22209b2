//! My Flying Box tracking: `GET /orders/{uuid}/tracking` answers every
//! parcel of an order. A tracking number is the order uuid (first parcel)
//! or `uuid:index`; numbers of one order asked together cost one call.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::MyFlyingBox;
use super::tracking_status::{TABLE, refine_unknown};
use crate::carriers::http::Safety;
use crate::carriers::tracking::{TrackOutcome, TrackingApi};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::tracking::{
    EventPlace, ProofOfDelivery, StatusMapping, TrackingEvent, TrackingSnapshot, TrackingStatus, map_status,
};

const KIND: CarrierKind = CarrierKind::Myflyingbox;
/// Numbers per `track` call; one upstream call per distinct order among them.
pub const BATCH: usize = 20;

#[derive(Debug, Deserialize)]
struct ParcelTracking {
    #[serde(default)]
    parcel_index: u32,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    code: String,
    happened_at: DateTime<chrono::FixedOffset>,
    #[serde(default)]
    label: BTreeMap<String, String>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    details: Option<Details>,
}

#[derive(Debug, Deserialize)]
struct Location {
    name: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Details {
    #[serde(default)]
    label: BTreeMap<String, String>,
}

/// `uuid` or `uuid:index` → (order, parcel index).
fn split(number: &str) -> (&str, u32) {
    match number.rsplit_once(':') {
        Some((order, index)) if index.parse::<u32>().is_ok() => (order, index.parse().unwrap_or(0)),
        _ => (number, 0),
    }
}

fn status_of(code: &str, english: Option<&str>) -> TrackingStatus {
    match map_status(TABLE, code) {
        TrackingStatus::Unknown => {
            let refined = english.map(refine_unknown).unwrap_or(TrackingStatus::Unknown);
            if refined == TrackingStatus::Unknown {
                tracing::warn!(carrier = "myflyingbox", raw = code, label = english, "unrecognised tracking event");
            }
            refined
        }
        s => s,
    }
}

fn snapshot(number: &str, parcel: &ParcelTracking) -> TrackingSnapshot {
    let mut snap = TrackingSnapshot::new(number, TrackingStatus::PreTransit);
    for e in &parcel.events {
        let english = e.label.get("en").map(String::as_str);
        snap.events.push(TrackingEvent {
            occurred_at: e.happened_at.with_timezone(&Utc),
            status: status_of(&e.code, english),
            raw_code: Some(e.code.clone()),
            raw_text: english.or(e.label.get("fr").map(String::as_str)).map(str::to_owned),
            description: e.details.as_ref().and_then(|d| d.label.get("en").cloned()),
            place: e.location.as_ref().map(|l| EventPlace {
                city: l.city.clone(),
                postal_code: l.postal_code.clone(),
                country: l.country.clone(),
                name: l.name.clone(),
            }),
            leg: None,
        });
    }
    if let Some(last) = snap.events.iter().max_by_key(|e| e.occurred_at).cloned() {
        snap.status = last.status;
        snap.raw_status = last.raw_code.clone();
        snap.raw_status_text = last.raw_text.clone();
        if last.status == TrackingStatus::Delivered {
            snap.proof_of_delivery =
                Some(ProofOfDelivery { delivered_at: Some(last.occurred_at), ..Default::default() });
        }
    }
    snap
}

#[async_trait]
impl TrackingApi for MyFlyingBox {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    fn batch_size(&self) -> usize {
        BATCH
    }

    fn status_table(&self) -> &'static [StatusMapping] {
        TABLE
    }

    async fn track(&self, ctx: &CallCtx, numbers: &[String]) -> Result<Vec<TrackOutcome>, CarrierError> {
        let mut orders: BTreeMap<&str, Result<Vec<ParcelTracking>, CarrierError>> = BTreeMap::new();
        for number in numbers {
            let (order, _) = split(number);
            if orders.contains_key(order) {
                continue;
            }
            let answer = match self.client.get(ctx, "track", &format!("/orders/{order}/tracking"), Safety::Safe).await {
                Ok(response) => self.client.data::<Vec<ParcelTracking>>(&response),
                Err(e) => Err(e),
            };
            if let Err(e) = &answer
                && e.is_transient()
            {
                return Err(e.clone());
            }
            orders.insert(order, answer);
        }
        Ok(numbers
            .iter()
            .map(|number| {
                let (order, index) = split(number);
                match &orders[order] {
                    Ok(parcels) => match parcels.iter().find(|p| p.parcel_index == index) {
                        Some(parcel) => TrackOutcome::Found(Box::new(snapshot(number, parcel))),
                        None => TrackOutcome::NotFound,
                    },
                    Err(CarrierError::NotFound { .. }) => TrackOutcome::NotFound,
                    Err(e) => TrackOutcome::Failed(e.clone()),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_tracking_answer() {
        #[derive(Deserialize)]
        struct Envelope {
            data: Vec<ParcelTracking>,
        }
        let text = include_str!("../../../tests/fixtures/myflyingbox/tracking_response.json");
        let answer: Envelope = serde_json::from_str(text).unwrap();
        let snap = snapshot("eb27ff8e-b353-4a3f-8e7e-69576e64ee1a", &answer.data[0]);
        assert_eq!(snap.events.len(), 6);
        assert_eq!(snap.status, TrackingStatus::DeliveryFailed);
        let last = snap.events.last().unwrap();
        assert_eq!(last.description.as_deref(), Some("Customer not available or business closed"));
        assert_eq!(last.place.as_ref().unwrap().city.as_deref(), Some("ENFIELD"));
        assert_eq!(snap.events[0].occurred_at.to_rfc3339(), "2013-12-10T10:26:23+00:00");
        assert_eq!(split("abc:2"), ("abc", 2));
        assert_eq!(split("abc"), ("abc", 0));
    }

    #[test]
    fn recognised_unknown_labels() {
        assert_eq!(status_of("unknown", Some("Returned to shipper")), TrackingStatus::Returned);
        assert_eq!(status_of("unknown", Some("Return to sender initiated")), TrackingStatus::Returning);
        assert_eq!(status_of("teleported", None), TrackingStatus::Unknown);
    }
}
