//! Public tracking pages: the tenant's branding and privacy settings, the
//! tracker behind a link, and the links themselves (rotate, revoke).

use crate::domain::ids::{TenantId, TrackerId};
use crate::domain::public_page::{PublicPageSettings, new_token, plausible_token};
use crate::error::ApiError;
use crate::service::shipping_support::invalid;
use crate::service::tracking::{Tracker, view};
use crate::state::AppState;
use crate::store::{tenants, trackers, tracking_events};

const SETTINGS_KEY: &str = "public_page";

pub async fn settings(state: &AppState, tenant: TenantId) -> Result<PublicPageSettings, ApiError> {
    let row = tenants::get(&state.db, tenant).await?.ok_or_else(|| ApiError::not_found("tenant", tenant))?;
    Ok(row.settings.get(SETTINGS_KEY).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default())
}

pub async fn put_settings(
    state: &AppState,
    tenant: TenantId,
    settings: PublicPageSettings,
) -> Result<PublicPageSettings, ApiError> {
    let v = settings.check();
    if !v.is_empty() {
        return Err(invalid(v.0));
    }
    let value = serde_json::to_value(&settings).map_err(ApiError::internal)?;
    tenants::set_setting(&state.db, tenant, SETTINGS_KEY, &value).await?;
    Ok(settings)
}

/// The tracker behind a public link, with its tenant's page settings.
pub async fn by_token(state: &AppState, token: &str) -> Result<Option<(Tracker, PublicPageSettings)>, ApiError> {
    if !plausible_token(token) {
        return Ok(None);
    }
    let Some(row) = trackers::by_public_token(&state.db, token).await? else { return Ok(None) };
    let tenant = TenantId::from(row.tenant_id);
    let events = tracking_events::of(&state.db, &[row.id]).await?;
    let tracker = view::view(row, Some(events), &state.config.public_url)?;
    Ok(Some((tracker, settings(state, tenant).await?)))
}

/// A new link (the old one stops working at once), or none (`revoke`).
pub async fn set_link(state: &AppState, tenant: TenantId, id: TrackerId, revoke: bool) -> Result<Tracker, ApiError> {
    let token = (!revoke).then(new_token);
    let row = trackers::set_public_token(&state.db, tenant, id, token.as_deref())
        .await?
        .ok_or_else(|| ApiError::not_found("tracker", id))?;
    let events = tracking_events::of(&state.db, &[row.id]).await?;
    view::view(row, Some(events), &state.config.public_url)
}
