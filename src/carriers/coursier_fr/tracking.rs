//! Coursier.fr tracking: one mission per call, or every ongoing mission of
//! the account in one call (the scheduler's choice). A mission re-planned
//! after a failed load comes as several records (legs) with one
//! MissionNumber; they become one snapshot with `legs` and per-leg events.
//! The API gives dates, not a history, so events are derived from them with
//! carrier times, which keeps their fingerprints stable across answers.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::CoursierFr;
use super::paris_time::parse;
use super::tracking_status::TABLE;
use crate::carriers::lenient;
use crate::carriers::tracking::{DiscoveredParcel, TrackOutcome, TrackingApi};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::tracking::{
    Courier, DeliveryWindow, ProofOfDelivery, StatusMapping, TrackingEvent, TrackingLeg, TrackingSnapshot,
    TrackingStatus, map_status,
};

const KIND: CarrierKind = CarrierKind::CoursierFr;

/// One record of the answer; every field is a string, `""` when unknown.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Leg {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub mission_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub mission_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub pickup_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub pickup_start_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_start_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_end_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_start_estimate: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_end_estimate: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub worker_surname: Option<String>,
    /// The document calls it `WorkerPicture`; answers say `Picture`.
    #[serde(default, alias = "WorkerPicture", deserialize_with = "lenient::opt_text")]
    pub picture: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub proof_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub delivery_signee: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn status_of(state: &str) -> TrackingStatus {
    let status = map_status(TABLE, state);
    if status == TrackingStatus::Unknown {
        tracing::warn!(carrier = "coursier_fr", raw = state, "unknown Coursier.fr state; tracked as unknown");
    }
    status
}

/// One mission's legs (in carrier order) → one snapshot.
pub fn mission_snapshot(number: &str, legs: &[Leg]) -> Result<TrackingSnapshot, CarrierError> {
    let last_started = legs.iter().rposition(|l| present(&l.state).is_some());
    let mut snap = TrackingSnapshot::new(number, TrackingStatus::PreTransit);
    for (i, leg) in legs.iter().enumerate() {
        let index = i as u32 + 1;
        let state = present(&leg.state).unwrap_or("");
        let leg_status = status_of(state);
        let time = |v: &Option<String>| present(v).and_then(parse);
        let (picked, delivered) = (time(&leg.pickup_date), time(&leg.delivery_date));
        snap.legs.push(TrackingLeg {
            index,
            status: leg_status,
            raw_status: Some(state.to_owned()).filter(|s| !s.is_empty()),
            started_at: picked,
            ended_at: delivered,
        });
        let mut event = |at: DateTime<Utc>, status: TrackingStatus, text: &str| {
            snap.events.push(TrackingEvent {
                occurred_at: at,
                status,
                raw_code: None,
                raw_text: Some(text.to_owned()),
                description: None,
                place: None,
                leg: Some(index),
            });
        };
        if let Some(at) = picked {
            event(at, TrackingStatus::PickedUp, "Picked up");
        }
        if let Some(at) = delivered {
            event(at, TrackingStatus::Delivered, "Delivered");
        }
        // States without a date of their own are dated by the window they concern.
        let dated = match leg_status {
            TrackingStatus::PickedUp | TrackingStatus::Delivered => None,
            TrackingStatus::OutForDelivery => time(&leg.delivery_start_estimate).or(time(&leg.delivery_start_date)),
            TrackingStatus::DeliveryFailed => {
                picked.or(time(&leg.delivery_start_date)).or(time(&leg.pickup_start_date))
            }
            _ if state.is_empty() => None,
            _ => time(&leg.pickup_start_date),
        };
        if let Some(at) = dated {
            event(at, leg_status, state);
        }
    }
    let Some(current) = last_started else { return Ok(snap) };
    let leg = &legs[current];
    let state = present(&leg.state).unwrap_or_default();
    let final_leg = current + 1 == legs.len();
    snap.status = match status_of(state) {
        // A leg ending at a hub, or failed and re-planned: the mission goes on.
        TrackingStatus::Delivered | TrackingStatus::OutForDelivery if !final_leg => TrackingStatus::InTransit,
        TrackingStatus::DeliveryFailed if !final_leg => TrackingStatus::PreTransit,
        s => s,
    };
    snap.raw_status_text = Some(state.to_owned());
    if present(&leg.worker_surname).is_some() || present(&leg.picture).is_some() {
        snap.courier = Some(Courier {
            name: present(&leg.worker_surname).map(str::to_owned),
            phone: None,
            photo: present(&leg.picture).map(str::to_owned),
        });
    }
    let last = legs.last().expect("a mission has a leg");
    let window = |from: &Option<String>, to: &Option<String>| {
        let (from, to) = (present(from).and_then(parse), present(to).and_then(parse));
        (from.is_some() || to.is_some()).then_some(DeliveryWindow { from, to })
    };
    snap.estimated_delivery = window(&last.delivery_start_estimate, &last.delivery_end_estimate)
        .or_else(|| window(&last.delivery_start_date, &last.delivery_end_date));
    if snap.status == TrackingStatus::Delivered {
        snap.proof_of_delivery = Some(ProofOfDelivery {
            signed_by: present(&last.delivery_signee).map(str::to_owned),
            delivered_at: present(&last.delivery_date).and_then(parse),
            signature: None,
            photo: None,
            document: present(&last.proof_of_delivery).map(str::to_owned),
        });
    }
    Ok(snap)
}

fn legs_of(records: Vec<serde_json::Value>) -> Result<Vec<Leg>, CarrierError> {
    records
        .into_iter()
        .map(|r| {
            serde_json::from_value::<Leg>(r)
                .map_err(|e| CarrierError::bad_response(KIND, format!("unreadable mission record ({e})")))
        })
        .collect()
}

/// Records grouped by mission number, legs in MissionId order.
fn missions(legs: Vec<Leg>) -> BTreeMap<String, Vec<Leg>> {
    let mut out: BTreeMap<String, Vec<Leg>> = BTreeMap::new();
    for leg in legs {
        let Some(number) = present(&leg.mission_number).map(str::to_owned) else { continue };
        out.entry(number).or_default().push(leg);
    }
    for legs in out.values_mut() {
        legs.sort_by_key(|l| present(&l.mission_id).and_then(|id| id.parse::<u64>().ok()).unwrap_or(0));
    }
    out
}

#[async_trait]
impl TrackingApi for CoursierFr {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    fn batch_size(&self) -> usize {
        1
    }

    fn tracks_all_ongoing(&self) -> bool {
        true
    }

    fn status_table(&self) -> &'static [StatusMapping] {
        TABLE
    }

    async fn track(&self, ctx: &CallCtx, numbers: &[String]) -> Result<Vec<TrackOutcome>, CarrierError> {
        let mut out = Vec::with_capacity(numbers.len());
        for number in numbers {
            let outcome = match self.client.tracking(ctx, "track", Some(number)).await {
                Ok(records) => {
                    let legs = legs_of(records)?;
                    match missions(legs).remove(number) {
                        Some(legs) => TrackOutcome::Found(Box::new(mission_snapshot(number, &legs)?)),
                        None => TrackOutcome::NotFound,
                    }
                }
                Err(CarrierError::NotFound { .. }) => TrackOutcome::NotFound,
                Err(e) => return Err(e),
            };
            out.push(outcome);
        }
        Ok(out)
    }

    async fn track_all_ongoing(&self, ctx: &CallCtx) -> Result<Vec<TrackingSnapshot>, CarrierError> {
        let legs = legs_of(self.client.tracking(ctx, "track_all", None).await?)?;
        missions(legs).iter().map(|(number, legs)| mission_snapshot(number, legs)).collect()
    }

    async fn discover(&self, ctx: &CallCtx, _since: DateTime<Utc>) -> Result<Vec<DiscoveredParcel>, CarrierError> {
        Ok(self
            .track_all_ongoing(ctx)
            .await?
            .into_iter()
            .map(|snap| DiscoveredParcel {
                tracking_number: snap.tracking_number.clone(),
                reference: None,
                snapshot: Some(Box::new(snap)),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_two_leg_mission() {
        let text = include_str!("../../../tests/fixtures/coursier_fr/tracking_response.json");
        let records: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let legs = legs_of(records).unwrap();
        let snap = mission_snapshot("9005657", &missions(legs).remove("9005657").unwrap()).unwrap();
        assert_eq!(snap.legs.len(), 2);
        assert_eq!(snap.status, TrackingStatus::InTransit, "approaching the hub, not the recipient");
        assert_eq!(snap.courier.as_ref().unwrap().photo.as_deref(), Some("https://iris.coursier.fr/worker/view/710"));
        assert_eq!(snap.events.iter().filter(|e| e.status == TrackingStatus::PickedUp).count(), 1);
        assert_eq!(snap.estimated_delivery.as_ref().unwrap().from.unwrap().to_rfc3339(), "2020-06-26T18:00:00+00:00");
    }
}
