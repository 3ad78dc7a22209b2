//! Webhook endpoints: URLs checked against the address policy, signing
//! secrets encrypted at rest and shown once, rotation with a grace period,
//! enabling and disabling, and the test ping.

use std::str::FromStr;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use sqlx::PgConnection;

use crate::domain::ids::{TenantId, WebhookId};
use crate::domain::webhook::{Disabled, DisabledReason, EventType, WebhookDelivery, WebhookEndpoint};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::store::webhooks::{self as rows, EndpointPatch, EndpointRow, NewEndpoint as NewRow};
use crate::store::{outbox, webhook_deliveries};
use crate::webhooks::SigningSecret;
use crate::webhooks::url::{self as webhook_url, UrlError};

/// Endpoints one tenant may have: each event is sent to every one of them.
pub const MAX_ENDPOINTS: i64 = 50;
const MAX_DESCRIPTION: usize = 500;
/// How long the previous secret keeps signing after a rotation, by default.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(24 * 3600);
pub const MAX_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

pub struct NewEndpoint {
    pub url: String,
    pub description: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    pub enabled: bool,
    /// A `whsec_…` secret to keep (e.g. moving from another provider).
    pub secret: Option<String>,
}

#[derive(Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Option<Vec<EventType>>>,
    pub enabled: Option<bool>,
}

/// An endpoint with the secret it signs with, shown this once.
pub struct WithSecret {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

fn secret_aad(id: WebhookId) -> Vec<u8> {
    [b"webhook-secret:".as_slice(), id.uuid().as_bytes()].concat()
}

pub fn seal_secret(state: &AppState, id: WebhookId, secret: &SigningSecret) -> Vec<u8> {
    state.secrets.seal(secret.as_bytes(), &secret_aad(id))
}

pub fn open_secret(state: &AppState, id: WebhookId, sealed: &[u8]) -> Option<SigningSecret> {
    state.secrets.open(sealed, &secret_aad(id)).ok().map(SigningSecret::from_bytes)
}

/// The endpoint as the API shows it.
pub fn endpoint_view(row: &EndpointRow) -> Result<WebhookEndpoint, ApiError> {
    let event_types = match &row.event_types {
        None => None,
        Some(names) => Some(
            names.iter().map(|n| EventType::from_str(n)).collect::<Result<Vec<_>, _>>().map_err(ApiError::internal)?,
        ),
    };
    let disabled = match (&row.disabled_reason, row.disabled_at) {
        (Some(reason), Some(at)) => Some(Disabled {
            reason: DisabledReason::from_str(reason).map_err(ApiError::internal)?,
            at,
            detail: row.disabled_detail.clone(),
        }),
        _ => None,
    };
    let previous_expiry = row.previous_secret_expires_at.filter(|at| *at > Utc::now());
    Ok(WebhookEndpoint {
        id: row.id.into(),
        url: row.url.clone(),
        description: row.description.clone(),
        event_types,
        enabled: row.enabled,
        disabled,
        failing_since: row.failing_since,
        previous_secret_expires_at: previous_expiry,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn url_problem(err: UrlError) -> ApiError {
    let field = vec![FieldError::new("url", err.to_string())];
    match err {
        UrlError::Invalid(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_invalid",
            "Invalid webhook URL",
            field[0].message.clone(),
        )
        .with_errors(field),
        UrlError::Forbidden { ref address, .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_forbidden",
            "Webhook URL not allowed",
            format!("{err}; webhooks only go to public internet addresses"),
        )
        .with_extra("address", address.ip.to_string().into())
        .with_extra("address_category", address.category.as_str().into())
        .with_errors(field),
        UrlError::Unresolvable(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_unresolvable",
            "Webhook URL host not found",
            format!("{err}; check the host name"),
        )
        .with_errors(field),
    }
}

/// Parses and checks a URL (including where its host resolves now).
async fn checked_url(state: &AppState, text: &str) -> Result<String, ApiError> {
    let url = webhook_url::parse(text).map_err(url_problem)?;
    webhook_url::check_destination(&url, &state.config.webhook_allow).await.map_err(url_problem)?;
    Ok(url.to_string())
}

fn clean_description(errors: &mut Vec<FieldError>, text: Option<String>) -> Option<String> {
    let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())?;
    if text.chars().count() > MAX_DESCRIPTION {
        errors.push(FieldError::new("description", format!("must be at most {MAX_DESCRIPTION} characters")));
    }
    Some(text)
}

/// Sorted, without duplicates; an empty list subscribes to nothing, which is a mistake.
fn clean_event_types(errors: &mut Vec<FieldError>, types: Option<Vec<EventType>>) -> Option<Vec<String>> {
    let mut types = types?;
    if types.is_empty() {
        errors.push(FieldError::new(
            "event_types",
            "must list at least one event type; omit it (or send null) to receive every type",
        ));
    }
    types.sort();
    types.dedup();
    Some(types.iter().map(|t| t.as_str().to_owned()).collect())
}

fn parse_secret(errors: &mut Vec<FieldError>, text: Option<&str>) -> Option<SigningSecret> {
    match text.map(SigningSecret::parse) {
        None => Some(SigningSecret::generate()),
        Some(Ok(secret)) => Some(secret),
        Some(Err(e)) => {
            errors.push(FieldError::new("secret", e.to_string()));
            None
        }
    }
}

pub async fn create(state: &AppState, tenant: TenantId, new: NewEndpoint) -> Result<WithSecret, ApiError> {
    let mut errors = Vec::new();
    let description = clean_description(&mut errors, new.description);
    let event_types = clean_event_types(&mut errors, new.event_types);
    let secret = parse_secret(&mut errors, new.secret.as_deref());
    let Some(secret) = secret.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let url = checked_url(state, &new.url).await?;
    if rows::count(&state.db, tenant).await? >= MAX_ENDPOINTS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_limit_reached",
            "Too many webhook endpoints",
            format!("an account may have at most {MAX_ENDPOINTS} webhook endpoints; delete one first"),
        ));
    }
    let id = WebhookId::new();
    let sealed = seal_secret(state, id, &secret);
    let row = rows::insert(
        &state.db,
        NewRow {
            id,
            tenant,
            url: &url,
            description: description.as_deref(),
            event_types,
            enabled: new.enabled,
            secret_enc: &sealed,
        },
    )
    .await?;
    Ok(WithSecret { endpoint: endpoint_view(&row)?, secret: secret.expose() })
}

pub async fn row(state: &AppState, tenant: TenantId, id: WebhookId) -> Result<EndpointRow, ApiError> {
    rows::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("webhook endpoint", id))
}

pub async fn get(state: &AppState, tenant: TenantId, id: WebhookId) -> Result<WebhookEndpoint, ApiError> {
    endpoint_view(&row(state, tenant, id).await?)
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    after: Option<WebhookId>,
    limit: u32,
) -> Result<Vec<WebhookEndpoint>, ApiError> {
    let rows = rows::list(&state.db, tenant, after, i64::from(limit) + 1).await?;
    rows.iter().map(endpoint_view).collect()
}

pub async fn update(
    state: &AppState,
    tenant: TenantId,
    id: WebhookId,
    changes: EndpointChanges,
) -> Result<WebhookEndpoint, ApiError> {
    let mut errors = Vec::new();
    let description = changes.description.map(|d| clean_description(&mut errors, d));
    let event_types = changes.event_types.map(|t| clean_event_types(&mut errors, t));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let url = match &changes.url {
        Some(text) => Some(checked_url(state, text).await?),
        None => None,
    };
    let mut tx = state.db.begin().await?;
    let before = rows::get(&mut *tx, tenant, id).await?.ok_or_else(|| ApiError::not_found("webhook endpoint", id))?;
    let patch = EndpointPatch {
        url: url.as_deref(),
        description: description.as_ref().map(|d| d.as_deref()),
        event_types,
        enabled: changes.enabled,
    };
    let after =
        rows::update(&mut tx, tenant, id, patch).await?.ok_or_else(|| ApiError::not_found("webhook endpoint", id))?;
    let moved = after.url != before.url;
    if before.enabled && !after.enabled {
        webhook_deliveries::park(&mut tx, after.id).await?;
    } else if after.enabled && (!before.enabled || moved) {
        // Enabled again, or fixed: what was waiting goes out now.
        webhook_deliveries::retry_now(&mut tx, after.id).await?;
    }
    tx.commit().await?;
    endpoint_view(&after)
}

pub async fn delete(state: &AppState, tenant: TenantId, id: WebhookId) -> Result<(), ApiError> {
    if rows::delete(&state.db, tenant, id).await? { Ok(()) } else { Err(ApiError::not_found("webhook endpoint", id)) }
}

pub struct Rotation {
    /// A `whsec_…` secret to use instead of a generated one.
    pub secret: Option<String>,
    /// How long the current secret keeps signing; default 24 h, 0 ends it now.
    pub grace: Option<Duration>,
}

pub async fn rotate_secret(
    state: &AppState,
    tenant: TenantId,
    id: WebhookId,
    rotation: Rotation,
) -> Result<WithSecret, ApiError> {
    let mut errors = Vec::new();
    let secret = parse_secret(&mut errors, rotation.secret.as_deref());
    let grace = rotation.grace.unwrap_or(DEFAULT_GRACE);
    if grace > MAX_GRACE {
        errors.push(FieldError::new("grace_period_secs", format!("must be at most {} seconds", MAX_GRACE.as_secs())));
    }
    let Some(secret) = secret.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let previous_until =
        (!grace.is_zero()).then(|| Utc::now() + chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::zero()));
    let sealed = seal_secret(state, id, &secret);
    let row = rows::rotate_secret(&state.db, tenant, id, &sealed, previous_until)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook endpoint", id))?;
    Ok(WithSecret { endpoint: endpoint_view(&row)?, secret: secret.expose() })
}

/// Queues a `webhook.ping` for this endpoint only; the dispatcher sends it at once.
pub async fn send_test(state: &AppState, tenant: TenantId, id: WebhookId) -> Result<WebhookDelivery, ApiError> {
    let mut tx = state.db.begin().await?;
    let row = rows::get(&mut *tx, tenant, id).await?.ok_or_else(|| ApiError::not_found("webhook endpoint", id))?;
    refuse_disabled(&row)?;
    let endpoint = endpoint_view(&row)?;
    let (_, delivery) = outbox::enqueue_to(&mut tx, tenant, id, EventType::WebhookPing, &endpoint).await?;
    tx.commit().await?;
    super::webhook_deliveries::get_delivery(state, tenant, delivery).await
}

/// Sending to a disabled endpoint would only park the delivery: say so instead.
pub fn refuse_disabled(row: &EndpointRow) -> Result<(), ApiError> {
    if row.enabled {
        return Ok(());
    }
    Err(ApiError::conflict(
        "webhook_disabled",
        "this endpoint is disabled; enable it (PATCH with `enabled: true`) before sending to it",
    ))
}

/// Disables an endpoint from the dispatcher (410 Gone, or failing too long),
/// parks its deliveries and tells the tenant's other endpoints, all in the
/// caller's transaction. `false` when it was already disabled.
pub async fn disable_in(
    conn: &mut PgConnection,
    endpoint: uuid::Uuid,
    reason: DisabledReason,
    detail: &str,
) -> Result<bool, ApiError> {
    let Some(row) = rows::disable(conn, endpoint, reason, detail).await? else {
        return Ok(false);
    };
    webhook_deliveries::park(conn, row.id).await?;
    let view = endpoint_view(&row)?;
    outbox::enqueue(conn, row.tenant_id.into(), EventType::WebhookDisabled, &view).await?;
    Ok(true)
}
