//! Ecotrack tracking: `get/orders/status?status=all` answers the status,
//! the activity history and the stop desk of up to 100 trackings in one
//! call (it takes the token as `api_token` in the query), so refreshes are
//! batched by 100. Discovery walks the paged `get/orders` list.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Ecotrack;
use super::client::TokenIn;
use super::mapping::{algiers_date, algiers_to_utc};
use super::tracking_status::{TABLE, cod_stage};
use super::wire_orders::OrdersPage;
use crate::carriers::http::Safety;
use crate::carriers::lenient;
use crate::carriers::tracking::{DiscoveredParcel, TrackOutcome, TrackingApi};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::location::{Location, LocationAddress, LocationKind};
use crate::domain::tracking::{
    CodSettlement, ProofOfDelivery, StatusMapping, TrackingEvent, TrackingSnapshot, TrackingStatus, map_status,
};

const KIND: CarrierKind = CarrierKind::Ecotrack;
pub const BATCH: usize = 100;
/// Pages of 40 scanned per discovery at most.
const MAX_DISCOVERY_PAGES: u32 = 50;

#[derive(Debug, Deserialize)]
struct StatusAnswer {
    /// A map of tracking → parcel; PHP sends `[]` when it is empty.
    #[serde(default)]
    data: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct ParcelStatus {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    desk_phone: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    desk_commune: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    desk_map_link: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    desk_address: Option<String>,
    #[serde(default)]
    activity: Vec<Activity>,
}

#[derive(Debug, Deserialize)]
struct Activity {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    time: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    status: Option<String>,
}

/// The plain code of any spelling: accents dropped, spaces to underscores, lower case.
pub fn plain(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'À' => 'a',
            'é' | 'è' | 'ê' | 'É' => 'e',
            'ç' => 'c',
            'ô' => 'o',
            'î' => 'i',
            ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

pub fn status_of(raw: &str) -> TrackingStatus {
    let status = map_status(TABLE, raw);
    if status == TrackingStatus::Unknown {
        // A fourth spelling is still one of the documented statuses.
        let again = map_status(TABLE, &plain(raw));
        if again == TrackingStatus::Unknown {
            tracing::warn!(carrier = "ecotrack", raw, "unknown Ecotrack status; tracked as unknown");
        }
        return again;
    }
    status
}

fn snapshot(tracking: &str, parcel: ParcelStatus) -> Result<TrackingSnapshot, CarrierError> {
    let raw = parcel.status.clone().unwrap_or_default();
    let mut status = status_of(&raw);
    let desk = parcel.desk_commune.as_deref().is_some_and(|c| !c.is_empty())
        || parcel.desk_address.as_deref().is_some_and(|a| !a.is_empty());
    if desk && status == TrackingStatus::OutForDelivery {
        // A stop-desk parcel "en livraison" waits at the desk for the recipient.
        status = TrackingStatus::AvailableForPickup;
    }
    let mut snap = TrackingSnapshot::new(tracking, status);
    snap.raw_status = parcel.status.clone();
    for a in parcel.activity {
        let (Some(date), Some(code)) = (a.date, a.status) else { continue };
        let when = format!("{} {}", date.trim(), a.time.as_deref().unwrap_or("00:00:00").trim());
        let occurred_at = algiers_to_utc(&when)
            .ok_or_else(|| CarrierError::bad_response(KIND, format!("unreadable activity time {when:?}")))?;
        let event_status = status_of(&code);
        let description =
            TABLE.iter().find(|m| m.raw == code).map(|m| m.meaning.trim_start_matches("activity: ").to_owned());
        snap.events.push(TrackingEvent {
            occurred_at,
            status: event_status,
            raw_code: Some(code),
            raw_text: None,
            description,
            place: None,
            leg: None,
        });
    }
    if status == TrackingStatus::Delivered
        && let Some(at) = snap.events.iter().find(|e| e.raw_code.as_deref() == Some("livred")).map(|e| e.occurred_at)
    {
        // Ecotrack's proof of delivery is the time its driver marked it delivered.
        snap.proof_of_delivery = Some(ProofOfDelivery { delivered_at: Some(at), ..ProofOfDelivery::default() });
    }
    if let Some((collected, remitted)) = cod_stage(&raw) {
        let at = |code: &str| snap.events.iter().find(|e| e.raw_code.as_deref() == Some(code)).map(|e| e.occurred_at);
        snap.cash_on_delivery = Some(CodSettlement {
            amount: None,
            collected,
            collected_at: if collected { at("encaissed") } else { None },
            remitted,
            remitted_at: if remitted { at("payed") } else { None },
        });
    }
    if desk {
        let commune = parcel.desk_commune.clone().filter(|c| !c.is_empty());
        snap.relay_point = Some(Location {
            id: commune.clone().unwrap_or_else(|| "desk".into()),
            carrier: KIND,
            kind: LocationKind::StopDesk,
            name: commune.clone().map(|c| format!("Stop desk {c}")).unwrap_or_else(|| "Stop desk".into()),
            address: LocationAddress {
                street: parcel.desk_address.filter(|a| !a.is_empty()),
                postal_code: None,
                city: commune,
                state: None,
                country: Some("DZ".into()),
            },
            coordinates: None,
            opening_hours: Vec::new(),
            phone: parcel.desk_phone.filter(|p| !p.is_empty()),
            map_link: parcel.desk_map_link.filter(|l| !l.is_empty()),
        });
    }
    Ok(snap)
}

fn unreadable(e: impl std::fmt::Display) -> CarrierError {
    CarrierError::bad_response(KIND, format!("unreadable tracking answer ({e})"))
}

#[async_trait]
impl TrackingApi for Ecotrack {
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
        if numbers.len() > BATCH {
            return Err(CarrierError::bad_response(KIND, format!("at most {BATCH} trackings per call")));
        }
        let trackings = numbers.join(",");
        let builder = self
            .client
            .http
            .client()
            .get(self.client.url("get/orders/status"))
            .query(&[("trackings", trackings.as_str()), ("status", "all")]);
        let response = self.client.send(ctx, "track", builder, TokenIn::Query, Safety::Safe).await?;
        let answer: StatusAnswer = serde_json::from_slice(&response.body).map_err(unreadable)?;
        let mut parcels: BTreeMap<String, serde_json::Value> = match answer.data {
            serde_json::Value::Object(map) => map.into_iter().collect(),
            // `[]`: PHP's empty map.
            serde_json::Value::Array(items) if items.is_empty() => BTreeMap::new(),
            serde_json::Value::Null => BTreeMap::new(),
            other => return Err(unreadable(format!("`data` is {other}"))),
        };
        Ok(numbers
            .iter()
            .map(|number| match parcels.remove(number) {
                None => TrackOutcome::NotFound,
                Some(value) => match serde_json::from_value::<ParcelStatus>(value).map_err(unreadable) {
                    Ok(parcel) => match snapshot(number, parcel) {
                        Ok(snap) => TrackOutcome::Found(Box::new(snap)),
                        Err(e) => TrackOutcome::Failed(e),
                    },
                    Err(e) => TrackOutcome::Failed(e),
                },
            })
            .collect())
    }

    async fn discover(&self, ctx: &CallCtx, since: DateTime<Utc>) -> Result<Vec<DiscoveredParcel>, CarrierError> {
        let start = algiers_date(since).format("%Y-%m-%d").to_string();
        let end = algiers_date(Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        let mut found = Vec::new();
        let mut page = 1u32;
        loop {
            let number = page.to_string();
            let query = [("page", number.as_str()), ("start_date", start.as_str()), ("end_date", end.as_str())];
            let response = self.client.get(ctx, "discover", "get/orders", &query, Safety::Safe).await?;
            let listed: OrdersPage = serde_json::from_slice(&response.body).map_err(unreadable)?;
            found.extend(listed.data.into_iter().map(|o| DiscoveredParcel {
                tracking_number: o.tracking,
                reference: o.reference,
                snapshot: None,
            }));
            let last = listed.last_page.unwrap_or(1).max(1);
            if page >= last || page >= MAX_DISCOVERY_PAGES {
                return Ok(found);
            }
            page = listed.current_page.unwrap_or(page).max(page) + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_maps_to_the_same_status() {
        for (a, b, c) in [
            ("prete_a_expedier", "prête_à_expédier", "Prête à expédier"),
            ("livre_non_encaisse", "livré_non_encaissé", "Livré non encaissé"),
            ("retour_transit_entrepot", "retour_transit_entrepôt", "Retour transit entrepôt"),
            ("annule", "annulé", "Annulé"),
        ] {
            assert_eq!(status_of(a), status_of(b));
            assert_eq!(status_of(a), status_of(c));
            assert_ne!(status_of(a), TrackingStatus::Unknown);
        }
        assert_eq!(status_of("téléporté"), TrackingStatus::Unknown);
    }

    #[test]
    fn stop_desk_parcels_with_the_driver_wait_at_the_desk() {
        let parcel: ParcelStatus = serde_json::from_value(serde_json::json!({
            "status": "en_livraison", "order_id": "1", "desk_phone": "0550", "desk_commune": "Hydra",
            "desk_map_link": "", "desk_address": "1 rue X",
            "activity": [{"date": "2025-07-16", "time": "10:00:00", "status": "accepted_by_carrier"}]
        }))
        .unwrap();
        let snap = snapshot("EC1", parcel).unwrap();
        assert_eq!(snap.status, TrackingStatus::AvailableForPickup);
        assert_eq!(snap.relay_point.unwrap().address.city.as_deref(), Some("Hydra"));
        assert_eq!(snap.events[0].occurred_at.to_rfc3339(), "2025-07-16T09:00:00+00:00");
    }
}
