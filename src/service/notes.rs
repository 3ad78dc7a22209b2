//! Ecotrack extras on a shipment: notes for the delivery company (maj) and
//! return requests.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::ids::{ShipmentId, TenantId};
use crate::error::ApiError;
use crate::service::shipments::actions::live;
use crate::service::shipments::{Shipment, view_one};
use crate::service::shipping_support::shipping;
use crate::state::AppState;
use crate::store::shipments as machine;

/// Ecotrack's limit on one note.
pub const MAX_NOTE_CHARS: usize = 255;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    pub text: String,
    /// The carrier's station, for notes written by the delivery company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

pub async fn add(state: &AppState, tenant: TenantId, id: ShipmentId, text: &str) -> Result<Note, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS || text.chars().any(char::is_control) {
        return Err(ApiError::invalid_field("text", format!("must be 1 to {MAX_NOTE_CHARS} characters on one line")));
    }
    let live = live(state, tenant, id, "add a note to").await?;
    shipping(live.carrier.as_ref())?.add_note(&live.ctx, live.order(), text).await?;
    Ok(Note { text: text.to_owned(), station: None, driver: None, created_at: Some(Utc::now()) })
}

pub async fn list(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<Vec<Note>, ApiError> {
    let live = live(state, tenant, id, "read the notes of").await?;
    let notes = shipping(live.carrier.as_ref())?.notes(&live.ctx, live.order()).await?;
    Ok(notes
        .into_iter()
        .map(|n| Note { text: n.text, station: n.station, driver: n.driver, created_at: n.created_at })
        .collect())
}

/// Asks the carrier to bring the parcel back; it may refuse (409) or ignore it.
pub async fn request_return(state: &AppState, tenant: TenantId, id: ShipmentId) -> Result<Shipment, ApiError> {
    let live = live(state, tenant, id, "request the return of").await?;
    shipping(live.carrier.as_ref())?.request_return(&live.ctx, live.order()).await?;
    let mut tx = state.db.begin().await?;
    let updated = machine::mark_return_requested(&mut tx, tenant, id).await?;
    tx.commit().await?;
    view_one(state, updated.unwrap_or(live.row)).await
}
