//! Tracking use cases: trackers for parcels booked anywhere, their history,
//! refresh by the worker or on demand, discovery of parcels booked
//! elsewhere, and the published status mapping. Reads never call a carrier.

pub mod apply;
pub mod discovery;
pub mod refresh;
pub mod schedule;
pub mod shipments;
pub mod view;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::carriers::registry::capabilities_of;
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, TenantId, TrackerId};
use crate::domain::tracking::TrackingStatus;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::store::trackers::{self, NewTracker, TrackerFilter};
use crate::store::{carrier_accounts, tracking_events};
pub use view::Tracker;

pub const MAX_BATCH: usize = 1000;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrackerRequest {
    pub carrier_account_id: CarrierAccountId,
    pub tracking_number: String,
    /// Your own reference for this parcel.
    #[serde(default)]
    pub reference: Option<String>,
}

fn check(request: &NewTrackerRequest, prefix: &str) -> Result<(), FieldError> {
    let number = request.tracking_number.trim();
    if number.is_empty() || number.len() > 100 {
        return Err(FieldError::new(format!("{prefix}tracking_number"), "must be 1 to 100 characters"));
    }
    if number.chars().any(|c| c.is_control() || c == ',') {
        return Err(FieldError::new(
            format!("{prefix}tracking_number"),
            "must not contain commas or control characters",
        ));
    }
    if request.reference.as_deref().is_some_and(|r| r.len() > 255) {
        return Err(FieldError::new(format!("{prefix}reference"), "must be at most 255 characters"));
    }
    Ok(())
}

/// The account, if it is the tenant's and its carrier tracks parcels.
async fn tracking_account(
    state: &AppState,
    tenant: TenantId,
    account: CarrierAccountId,
) -> Result<CarrierKind, ApiError> {
    let row = carrier_accounts::get(&state.db, tenant, account)
        .await?
        .ok_or_else(|| ApiError::not_found("carrier account", account))?;
    let kind: CarrierKind = row.carrier.parse().map_err(ApiError::internal)?;
    if !capabilities_of(kind).tracking {
        return Err(ApiError::unsupported_by_carrier(kind, "tracking"));
    }
    Ok(kind)
}

/// Creates a tracker; the same parcel again gives the existing one (200).
pub async fn create(
    state: &AppState,
    tenant: TenantId,
    request: NewTrackerRequest,
) -> Result<(StatusCode, Tracker), ApiError> {
    check(&request, "").map_err(|e| ApiError::validation(vec![e]))?;
    let kind = tracking_account(state, tenant, request.carrier_account_id).await?;
    let mut conn = state.db.acquire().await?;
    let (row, created) = trackers::create_or_get(
        &mut conn,
        NewTracker {
            tenant,
            account: request.carrier_account_id,
            carrier: kind.as_str(),
            tracking_number: request.tracking_number.trim(),
            shipment: None,
            reference: request.reference.as_deref(),
            origin: "api",
        },
    )
    .await?;
    let events = tracking_events::of(&state.db, &[row.id]).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, view::view(row, Some(events), &state.config.public_url)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItem {
    pub index: usize,
    /// `created`, `existing` or `failed`.
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracker: Option<Tracker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::Problem>,
}

/// Up to 1,000 trackers; one result per item, in order.
pub async fn create_batch(
    state: &AppState,
    tenant: TenantId,
    items: Vec<NewTrackerRequest>,
) -> Result<Vec<BatchItem>, ApiError> {
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(ApiError::invalid_field("trackers", format!("give 1 to {MAX_BATCH} trackers")));
    }
    let mut results = Vec::with_capacity(items.len());
    let mut tx = state.db.begin().await?;
    let mut kinds = std::collections::HashMap::new();
    for (index, item) in items.into_iter().enumerate() {
        let kind = match kinds.get(&item.carrier_account_id) {
            Some(k) => Ok(*k),
            None => tracking_account(state, tenant, item.carrier_account_id).await,
        };
        let outcome = match (check(&item, &format!("trackers[{index}].")), kind) {
            (Err(e), _) => Err(ApiError::validation(vec![e])),
            (_, Err(e)) => Err(e),
            (Ok(()), Ok(kind)) => {
                kinds.insert(item.carrier_account_id, kind);
                let new = NewTracker {
                    tenant,
                    account: item.carrier_account_id,
                    carrier: kind.as_str(),
                    tracking_number: item.tracking_number.trim(),
                    shipment: None,
                    reference: item.reference.as_deref(),
                    origin: "api",
                };
                Ok(trackers::create_or_get(&mut tx, new).await?)
            }
        };
        results.push(match outcome {
            Ok((row, created)) => BatchItem {
                index,
                result: if created { "created" } else { "existing" }.into(),
                tracker: Some(view::view(row, None, &state.config.public_url)?),
                error: None,
            },
            Err(e) => BatchItem { index, result: "failed".into(), tracker: None, error: Some(e.to_problem()) },
        });
    }
    tx.commit().await?;
    Ok(results)
}

pub async fn get(state: &AppState, tenant: TenantId, id: TrackerId, refresh: bool) -> Result<Tracker, ApiError> {
    let mut row = trackers::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("tracker", id))?;
    if refresh && let Some(applied) = refresh::refresh_now(state, &row).await? {
        row = applied.row;
    } else if refresh {
        row = trackers::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("tracker", id))?;
    }
    let events = tracking_events::of(&state.db, &[row.id]).await?;
    view::view(row, Some(events), &state.config.public_url)
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    filter: &TrackerFilter<'_>,
    after: Option<TrackerId>,
    limit: u32,
) -> Result<Vec<Tracker>, ApiError> {
    trackers::list(&state.db, tenant, filter, after, i64::from(limit) + 1)
        .await?
        .into_iter()
        .map(|row| view::view(row, None, &state.config.public_url))
        .collect()
}

pub async fn delete(state: &AppState, tenant: TenantId, id: TrackerId) -> Result<(), ApiError> {
    if trackers::delete(&state.db, tenant, id).await? { Ok(()) } else { Err(ApiError::not_found("tracker", id)) }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusRow {
    pub carrier: CarrierKind,
    /// The carrier's value, exactly as sent.
    pub raw: String,
    pub status: TrackingStatus,
    pub meaning: String,
}

/// Every carrier's published mapping, in table order.
pub fn status_tables() -> Vec<StatusRow> {
    use crate::carriers::{coursier_fr, ecotrack, ecourier, myflyingbox};
    let tables = [
        (CarrierKind::Myflyingbox, myflyingbox::tracking_status::TABLE),
        (CarrierKind::Ecourier, ecourier::tracking_status::TABLE),
        (CarrierKind::Ecotrack, ecotrack::tracking_status::TABLE),
        (CarrierKind::CoursierFr, coursier_fr::tracking_status::TABLE),
    ];
    tables
        .into_iter()
        .flat_map(|(carrier, table)| {
            table.iter().map(move |m| StatusRow {
                carrier,
                raw: m.raw.to_owned(),
                status: m.status,
                meaning: m.meaning.to_owned(),
            })
        })
        .collect()
}

/// `docs/tracking-statuses.md`, generated from the tables (a test keeps the
/// committed file equal to it).
pub fn status_tables_markdown() -> String {
    let mut out = String::from(
        "# Tracking statuses\n\nGenerated from the connectors' mapping tables (`GET /v1/tracking-statuses` serves the same).\nEvery raw value a carrier document names maps to one normalized status; anything else maps to\n`unknown` with a logged warning.\n",
    );
    let mut current = None;
    for row in status_tables() {
        if current != Some(row.carrier) {
            current = Some(row.carrier);
            out.push_str(&format!(
                "\n## {}\n\n| raw value | status | meaning |\n|---|---|---|\n",
                row.carrier.as_str()
            ));
        }
        let raw = if row.raw.is_empty() { "(empty)".to_owned() } else { format!("`{}`", row.raw) };
        out.push_str(&format!("| {raw} | `{}` | {} |\n", row.status.as_str(), row.meaning));
    }
    out
}
