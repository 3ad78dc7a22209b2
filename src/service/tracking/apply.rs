//! Records what a carrier said about a tracker, in one transaction: new
//! events appended (never any deleted: an answer that omits old events
//! changes nothing about them), the tracker updated, its next check planned,
//! and the webhook events of the change written to the outbox, each once.

use chrono::Utc;
use uuid::Uuid;

use super::schedule;
use super::view::{Tracker, view};
use crate::carriers::CarrierError;
use crate::domain::CarrierKind;
use crate::domain::ids::{ShipmentId, TenantId};
use crate::domain::tracking::{CodSettlement, TrackingSnapshot, TrackingStatus};
use crate::domain::webhook::EventType;
use crate::error::ApiError;
use crate::service::shipments::spec_of;
use crate::state::AppState;
use crate::store::trackers::{self, CheckFacts, TrackerRow};
use crate::store::tracking_events::{self, NewEvent};
use crate::store::{outbox, shipment_queries};

#[derive(Debug)]
pub struct Applied {
    pub row: TrackerRow,
    pub new_events: u64,
    pub status_changed: bool,
}

fn json<T: serde::Serialize>(value: &Option<T>) -> Option<serde_json::Value> {
    value.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

/// The amount to collect when the carrier's tracking does not say it.
async fn booked_cod_amount(state: &AppState, row: &TrackerRow) -> Option<crate::domain::Money> {
    let shipment = row.shipment_id?;
    let found = shipment_queries::get(&state.db, TenantId::from(row.tenant_id), ShipmentId::from(shipment)).await;
    spec_of(&found.ok()??).ok()?.options.cash_on_delivery
}

pub async fn apply(state: &AppState, tracker: Uuid, snap: &TrackingSnapshot) -> Result<Option<Applied>, ApiError> {
    let mut tx = state.db.begin().await?;
    let Some(before) = trackers::lock(&mut tx, tracker).await? else {
        return Ok(None); // deleted meanwhile
    };
    let carrier: CarrierKind = before.carrier.parse().map_err(ApiError::internal)?;
    let fingerprints: Vec<String> =
        snap.events.iter().map(|e| e.fingerprint(carrier, &before.tracking_number)).collect();
    let rows: Vec<NewEvent> = snap
        .events
        .iter()
        .zip(&fingerprints)
        .map(|(e, fingerprint)| NewEvent {
            fingerprint,
            occurred_at: e.occurred_at,
            status: e.status.as_str(),
            raw_code: e.raw_code.as_deref(),
            raw_text: e.raw_text.as_deref(),
            description: e.description.as_deref(),
            place: json(&e.place),
            leg: e.leg.map(|l| l as i32),
        })
        .collect();
    let new_events = tracking_events::append(&mut tx, tracker, &rows).await?;

    let old_status = TrackingStatus::parse(&before.status).unwrap_or(TrackingStatus::Unknown);
    let status_changed = old_status != snap.status;
    let old_cod: Option<CodSettlement> = before.cash_on_delivery.clone().and_then(|v| serde_json::from_value(v).ok());
    let mut cod = snap.cash_on_delivery.clone();
    if cod.is_none() && old_cod.is_none() && before.shipment_id.is_some() {
        // Booked with cash to collect: due from the start, before the carrier says so.
        cod = booked_cod_amount(state, &before).await.map(|amount| CodSettlement {
            amount: Some(amount),
            collected: false,
            collected_at: None,
            remitted: false,
            remitted_at: None,
        });
    }
    let cod = cod.or(old_cod.clone());
    let mut cod = cod;
    if let Some(c) = cod.as_mut().filter(|c| c.amount.is_none()) {
        c.amount = match old_cod.as_ref().and_then(|o| o.amount) {
            Some(amount) => Some(amount),
            None => booked_cod_amount(state, &before).await,
        };
    }
    let cod_collected_now = cod.as_ref().is_some_and(|c| c.collected) && !old_cod.as_ref().is_some_and(|c| c.collected);

    let now = Utc::now();
    let changed_at = if status_changed { now } else { before.status_changed_at.unwrap_or(now) };
    let legs = serde_json::to_value(&snap.legs).map_err(ApiError::internal)?;
    let row = trackers::record_check(
        &mut tx,
        tracker,
        CheckFacts {
            status: snap.status.as_str(),
            raw_status: snap.raw_status.as_deref(),
            raw_status_text: snap.raw_status_text.as_deref(),
            estimated_delivery: json(&snap.estimated_delivery).as_ref(),
            proof_of_delivery: json(&snap.proof_of_delivery).as_ref(),
            courier: json(&snap.courier).as_ref(),
            cash_on_delivery: json(&cod).as_ref(),
            legs: &legs,
            relay_point: json(&snap.relay_point).as_ref(),
            status_changed,
            next_check_at: schedule::after_check(snap.status, changed_at, cod.as_ref(), now),
        },
    )
    .await?;

    if status_changed || cod_collected_now {
        let events = tracking_events::of(&mut *tx, &[tracker]).await?;
        let object: Tracker = view(row.clone(), Some(events), &state.config.public_url)?;
        let tenant = TenantId::from(row.tenant_id);
        let mut announce = Vec::new();
        if status_changed {
            announce.push(EventType::TrackerUpdated);
            if snap.status == TrackingStatus::Delivered {
                announce.push(EventType::TrackerDelivered);
            }
            if snap.status.is_exception() {
                announce.push(EventType::TrackerException);
            }
        }
        if cod_collected_now {
            announce.push(EventType::CodCollected);
        }
        for event in announce {
            outbox::enqueue(&mut tx, tenant, event, &object).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(Applied { row, new_events, status_changed }))
}

/// Why a check learned nothing.
pub enum Miss<'a> {
    NotFound,
    Carrier(&'a CarrierError),
    /// Ours: the account's credentials cannot be read, the connector is missing...
    Ours(&'a ApiError),
}

/// Records a check that learned nothing and plans the next one.
pub async fn miss(state: &AppState, row: &TrackerRow, why: Miss<'_>) -> Result<(), ApiError> {
    let now = Utc::now();
    let not_found = matches!(why, Miss::NotFound);
    let stored = match why {
        Miss::NotFound => {
            serde_json::json!({"code": "tracking_number_not_found", "message": "the carrier does not know this number (yet)"})
        }
        Miss::Carrier(e) => serde_json::json!({"code": ApiError::from(e.clone()).code, "message": e.to_string()}),
        Miss::Ours(e) => serde_json::json!({"code": e.code, "message": e.detail}),
    };
    let since = if not_found { Some(row.not_found_since.unwrap_or(now)) } else { None };
    let next = schedule::after_miss(row.check_failures, since, now);
    trackers::record_miss(&state.db, row.id, not_found, Some(&stored), next).await?;
    Ok(())
}
