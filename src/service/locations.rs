//! Relay points, drop-off points and stop desks, as one location type.

use crate::carriers::CallCtx;
use crate::carriers::shipping::LocationQuery;
use crate::domain::ids::{CarrierAccountId, OfferId, TenantId};
use crate::domain::location::Location;
use crate::domain::offer::DeliveryType;
use crate::error::ApiError;
use crate::service::quotes;
use crate::service::shipping_support::{connector, shipping};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Where the recipient can collect (relay delivery).
    Delivery,
    /// Where the shipper can drop the parcel.
    DropOff,
}

/// Locations for an offer, near the quoted address unless `near` says otherwise.
pub async fn for_offer(
    state: &AppState,
    tenant: TenantId,
    offer: OfferId,
    which: Which,
    near: LocationQuery,
) -> Result<Vec<Location>, ApiError> {
    let record = quotes::offer(state, tenant, offer).await?;
    let applies = match which {
        Which::Delivery => record.offer.delivery_type == DeliveryType::Relay,
        Which::DropOff => record.offer.drop_off,
    };
    if !applies {
        return Ok(Vec::new());
    }
    let quoted = match which {
        Which::Delivery => &record.request.recipient,
        Which::DropOff => &record.request.shipper,
    };
    let near = LocationQuery {
        street: near.street.or_else(|| quoted.street.clone()),
        postal_code: near.postal_code.or_else(|| quoted.postal_code.clone()),
        city: near.city.or_else(|| quoted.city.clone()),
        state: near.state.or_else(|| quoted.state.clone()),
        country: near.country.or_else(|| Some(quoted.country.to_string())),
    };
    let account = record.offer.carrier_account;
    let (_, carrier) = connector(state, tenant, account).await?;
    let api = shipping(carrier.as_ref())?;
    let ctx = CallCtx::interactive(tenant, account);
    let carrier_offer = record.carrier_offer_id.as_deref().unwrap_or_default();
    Ok(match which {
        Which::Delivery => api.delivery_locations(&ctx, carrier_offer, &near).await?,
        Which::DropOff => api.drop_off_locations(&ctx, carrier_offer, &near).await?,
    })
}

pub async fn stop_desks(
    state: &AppState,
    tenant: TenantId,
    account: CarrierAccountId,
    region: Option<&str>,
) -> Result<Vec<Location>, ApiError> {
    let (_, carrier) = connector(state, tenant, account).await?;
    let api = shipping(carrier.as_ref())?;
    Ok(api.stop_desks(&CallCtx::interactive(tenant, account), region).await?)
}
