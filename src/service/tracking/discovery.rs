//! Discovery: parcels the merchant booked outside shipgate, found by
//! listing the account's parcels (Ecotrack's paged order list, Coursier.fr's
//! ongoing missions), become trackers. A listing that already says the
//! parcel's state is recorded at once, saving a call per parcel.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::apply;
use crate::carriers::CallCtx;
use crate::carriers::registry::capabilities_of;
use crate::domain::ids::{CarrierAccountId, TenantId};
use crate::error::ApiError;
use crate::service::shipping_support::connector;
use crate::state::AppState;
use crate::store::trackers::{self, NewTracker};

/// How far back a discovery looks by default.
const DEFAULT_LOOKBACK: Duration = Duration::days(30);

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Discovery {
    /// Parcels the carrier listed.
    pub listed: usize,
    /// Trackers created for them.
    pub created: usize,
    /// Parcels already tracked.
    pub existing: usize,
}

pub async fn discover(
    state: &AppState,
    tenant: TenantId,
    account: CarrierAccountId,
    since: Option<DateTime<Utc>>,
) -> Result<Discovery, ApiError> {
    let (row, carrier) = connector(state, tenant, account).await?;
    let kind = carrier.kind();
    let api = carrier
        .tracking()
        .filter(|_| capabilities_of(kind).discovery)
        .ok_or_else(|| ApiError::unsupported_by_carrier(kind, "discovery of parcels booked elsewhere"))?;
    let ctx = CallCtx::interactive(tenant, account);
    let parcels = api.discover(&ctx, since.unwrap_or_else(|| Utc::now() - DEFAULT_LOOKBACK)).await?;
    let mut result = Discovery { listed: parcels.len(), ..Discovery::default() };
    for parcel in parcels {
        let mut conn = state.db.acquire().await?;
        let (tracker, created) = trackers::create_or_get(
            &mut conn,
            NewTracker {
                tenant,
                account,
                carrier: &row.carrier,
                tracking_number: &parcel.tracking_number,
                shipment: None,
                reference: parcel.reference.as_deref(),
                origin: "discovery",
            },
        )
        .await?;
        drop(conn);
        if created {
            result.created += 1;
            if let Some(snapshot) = &parcel.snapshot {
                apply::apply(state, tracker.id, snapshot).await?;
            }
        } else {
            result.existing += 1;
        }
    }
    Ok(result)
}
