//! e-Courier tracking: `GetJsonOrder` per order (one call each), read for
//! its events, proof of delivery (signer, time, base64 signature), driver
//! and cash-on-delivery amount received. Collections of one element arrive
//! as objects; dates are US local times in the account's zone.

use async_trait::async_trait;
use serde::Deserialize;

use super::ECourier;
use super::dates;
use super::tracking_status::TABLE;
use super::wire_order::OrderNumberBody;
use crate::carriers::http::Safety;
use crate::carriers::lenient;
use crate::carriers::tracking::{TrackOutcome, TrackingApi};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::Money;
use crate::domain::tracking::{
    CodSettlement, Courier, ProofOfDelivery, StatusMapping, TrackingEvent, TrackingSnapshot, TrackingStatus, map_status,
};

const KIND: CarrierKind = CarrierKind::Ecourier;

#[derive(Debug, Deserialize)]
struct Answer {
    #[serde(rename = "Order")]
    order: Order,
}

#[derive(Debug, Deserialize)]
struct Order {
    #[serde(rename = "@OrderStatus", alias = "OrderStatus", default, deserialize_with = "lenient::opt_text")]
    status: Option<String>,
    #[serde(rename = "@PodName", alias = "PodName", default, deserialize_with = "lenient::opt_text")]
    pod_name: Option<String>,
    #[serde(rename = "@PodDateTime", alias = "PodDateTime", default, deserialize_with = "lenient::opt_text")]
    pod_time: Option<String>,
    #[serde(rename = "@PodSign", alias = "PodSign", default, deserialize_with = "lenient::opt_text")]
    pod_sign: Option<String>,
    #[serde(rename = "@CodAmount", alias = "CodAmount", default, deserialize_with = "lenient::opt_decimal")]
    cod_amount: Option<rust_decimal::Decimal>,
    #[serde(rename = "@AmountReceived", alias = "AmountReceived", default, deserialize_with = "lenient::opt_decimal")]
    amount_received: Option<rust_decimal::Decimal>,
    #[serde(rename = "OrderEvents", default)]
    events: Option<Events>,
    #[serde(rename = "Jobs", default)]
    jobs: Option<Jobs>,
}

#[derive(Debug, Deserialize)]
struct Events {
    #[serde(rename = "OrderEvent", default, deserialize_with = "lenient::one_or_many")]
    items: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "@EventType", alias = "EventType", default, deserialize_with = "lenient::opt_text")]
    kind: Option<String>,
    #[serde(rename = "@EventDateTime", alias = "EventDateTime", default, deserialize_with = "lenient::opt_text")]
    at: Option<String>,
    #[serde(rename = "@EventNote", alias = "EventNote", default, deserialize_with = "lenient::opt_text")]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Jobs {
    #[serde(rename = "Job", default, deserialize_with = "lenient::one_or_many")]
    items: Vec<Job>,
}

#[derive(Debug, Deserialize)]
struct Job {
    #[serde(rename = "Drivers", default)]
    drivers: Option<Drivers>,
}

#[derive(Debug, Deserialize)]
struct Drivers {
    #[serde(rename = "Driver", default, deserialize_with = "lenient::one_or_many")]
    items: Vec<Driver>,
}

#[derive(Debug, Deserialize)]
struct Driver {
    #[serde(rename = "@DriverCode", alias = "DriverCode", default, deserialize_with = "lenient::opt_text")]
    code: Option<String>,
}

fn status_of(raw: &str) -> TrackingStatus {
    let status = map_status(TABLE, raw);
    if status == TrackingStatus::Unknown {
        tracing::warn!(carrier = "ecourier", raw, "unknown e-Courier status or event; tracked as unknown");
    }
    status
}

fn snapshot(number: &str, order: Order, zone: dates::UsZone, currency: crate::domain::Currency) -> TrackingSnapshot {
    let mut snap = TrackingSnapshot::new(number, TrackingStatus::PreTransit);
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    for e in order.events.map(|e| e.items).unwrap_or_default() {
        let (Some(kind), Some(at)) = (nonempty(e.kind), e.at.as_deref().and_then(|t| dates::parse(t, zone))) else {
            continue;
        };
        snap.events.push(TrackingEvent {
            occurred_at: at,
            status: status_of(&kind),
            raw_code: Some(kind.clone()),
            raw_text: Some(kind),
            description: nonempty(e.note),
            place: None,
            leg: None,
        });
    }
    snap.events.sort_by_key(|e| e.occurred_at);
    let order_status = nonempty(order.status);
    // The latest event says more than the order status (e.g. a return ends as P too).
    let latest = snap.events.iter().rev().find(|e| !e.raw_code.as_deref().is_some_and(|c| c.starts_with("COD ")));
    snap.status = match (latest, order_status.as_deref()) {
        (Some(e), _) => e.status,
        (None, Some(s)) => status_of(s),
        (None, None) => TrackingStatus::PreTransit,
    };
    snap.raw_status = order_status;
    snap.raw_status_text = latest.and_then(|e| e.raw_code.clone());
    if let Some(at) = order.pod_time.as_deref().and_then(|t| dates::parse(t, zone)) {
        snap.proof_of_delivery = Some(ProofOfDelivery {
            signed_by: nonempty(order.pod_name),
            delivered_at: Some(at),
            signature: nonempty(order.pod_sign).map(|b64| format!("data:image/png;base64,{b64}")),
            photo: None,
            document: None,
        });
    }
    let driver = order
        .jobs
        .into_iter()
        .flat_map(|j| j.items)
        .filter_map(|j| j.drivers)
        .flat_map(|d| d.items)
        .find_map(|d| nonempty(d.code));
    if let Some(code) = driver {
        snap.courier = Some(Courier { name: Some(code), phone: None, photo: None });
    }
    let has = |code: &str| snap.events.iter().find(|e| e.raw_code.as_deref() == Some(code)).map(|e| e.occurred_at);
    let (collected_at, remitted_at) = (has("COD Collected"), has("COD Remitted"));
    let amount = order.cod_amount.filter(|a| !a.is_zero()).or(order.amount_received.filter(|a| !a.is_zero()));
    if amount.is_some() || collected_at.is_some() {
        snap.cash_on_delivery = Some(CodSettlement {
            amount: amount.map(|a| Money::new(a, currency)),
            collected: collected_at.is_some() || order.amount_received.is_some_and(|a| !a.is_zero()),
            collected_at,
            remitted: remitted_at.is_some(),
            remitted_at,
        });
    }
    snap
}

#[async_trait]
impl TrackingApi for ECourier {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    fn batch_size(&self) -> usize {
        1
    }

    fn status_table(&self) -> &'static [StatusMapping] {
        TABLE
    }

    async fn track(&self, ctx: &CallCtx, numbers: &[String]) -> Result<Vec<TrackOutcome>, CarrierError> {
        let mut out = Vec::with_capacity(numbers.len());
        for number in numbers {
            let body = OrderNumberBody { order_number: number };
            let answer = self
                .client
                .with_guid(ctx, |guid| {
                    let body = &body;
                    async move { self.client.post(ctx, "track", "GetJsonOrder", Some(&guid), body, Safety::Safe).await }
                })
                .await;
            let outcome = match answer {
                Ok(response) => match serde_json::from_slice::<Answer>(&response.body) {
                    Ok(a) => {
                        let settings = &self.client.settings;
                        TrackOutcome::Found(Box::new(snapshot(number, a.order, settings.time_zone, settings.currency)))
                    }
                    Err(e) => TrackOutcome::Failed(CarrierError::bad_response(KIND, format!("unreadable order ({e})"))),
                },
                Err(CarrierError::NotFound { .. }) => TrackOutcome::NotFound,
                Err(e) if e.is_transient() => return Err(e),
                Err(e) => TrackOutcome::Failed(e),
            };
            out.push(outcome);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_event_order_and_a_delivered_one() {
        let one: Answer = serde_json::from_value(serde_json::json!({"Order": {"@OrderStatus": "N",
            "OrderEvents": {"OrderEvent": {"@EventType": "Order Created", "@EventDateTime": "9/3/2020 2:43:00 AM"}}}}))
        .unwrap();
        let snap = snapshot("2073", one.order, dates::UsZone::Eastern, crate::domain::Currency::USD);
        assert_eq!(snap.events.len(), 1, "one-element collections arrive as objects");
        assert_eq!(snap.status, TrackingStatus::PreTransit);
        let done: Answer = serde_json::from_value(serde_json::json!({"Order": {"@OrderStatus": "P",
            "@PodName": "Jane", "@PodDateTime": "9/3/2020 5:00:00 PM", "@PodSign": "iVBORw0KGgo=",
            "OrderEvents": {"OrderEvent": [
                {"@EventType": "Picked Up", "@EventDateTime": "9/3/2020 3:00:00 PM"},
                {"@EventType": "POD", "@EventDateTime": "9/3/2020 5:00:00 PM"},
                {"@EventType": "Teleported", "@EventDateTime": "9/3/2020 4:00:00 PM"}]}}}))
        .unwrap();
        let snap = snapshot("2073", done.order, dates::UsZone::Eastern, crate::domain::Currency::USD);
        assert_eq!(snap.status, TrackingStatus::Delivered);
        assert_eq!(snap.events[1].status, TrackingStatus::Unknown);
        let pod = snap.proof_of_delivery.unwrap();
        assert_eq!(pod.signed_by.as_deref(), Some("Jane"));
        assert!(pod.signature.unwrap().starts_with("data:image/png;base64,"));
    }
}
