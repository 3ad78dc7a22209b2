//! Webhook endpoints: the merchant's URLs, their encrypted signing secrets
//! and their health (failing since when, disabled why).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::ids::{TenantId, WebhookId};
use crate::domain::webhook::DisabledReason;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndpointRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_detail: Option<String>,
    pub secret_enc: Vec<u8>,
    pub previous_secret_enc: Option<Vec<u8>>,
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, tenant_id, url, description, event_types, enabled, disabled_reason, disabled_at, \
                       disabled_detail, secret_enc, previous_secret_enc, previous_secret_expires_at, failing_since, \
                       created_at, updated_at";

pub struct NewEndpoint<'a> {
    pub id: WebhookId,
    pub tenant: TenantId,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: Option<Vec<String>>,
    pub enabled: bool,
    pub secret_enc: &'a [u8],
}

pub async fn insert(db: impl PgExecutor<'_>, new: NewEndpoint<'_>) -> Result<EndpointRow, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO webhook_endpoints (id, tenant_id, url, description, event_types, enabled, disabled_reason, disabled_at, secret_enc)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 THEN NULL ELSE 'manual' END, CASE WHEN $6 THEN NULL ELSE now() END, $7)
         RETURNING {COLUMNS}"
    )))
    .bind(new.id.uuid())
    .bind(new.tenant.uuid())
    .bind(new.url)
    .bind(new.description)
    .bind(new.event_types)
    .bind(new.enabled)
    .bind(new.secret_enc)
    .fetch_one(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, tenant: TenantId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1")
        .bind(tenant.uuid())
        .fetch_one(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, tenant: TenantId, id: WebhookId) -> Result<Option<EndpointRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .fetch_optional(db)
    .await
}

/// Newest first; `after` is the id of the last row of the previous page.
pub async fn list(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    after: Option<WebhookId>,
    limit: i64,
) -> Result<Vec<EndpointRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhook_endpoints
         WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3"
    )))
    .bind(tenant.uuid())
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Fields to change; `None` leaves a column as it is.
#[derive(Default)]
pub struct EndpointPatch<'a> {
    pub url: Option<&'a str>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<&'a str>>,
    /// `Some(None)` subscribes to every event type.
    pub event_types: Option<Option<Vec<String>>>,
    pub enabled: Option<bool>,
}

/// Applies a patch. Enabling clears the disabled state and the failure run
/// (a fresh start), as does a new URL; disabling records a manual reason.
pub async fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: WebhookId,
    patch: EndpointPatch<'_>,
) -> Result<Option<EndpointRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE webhook_endpoints SET
            url = COALESCE($3, url),
            description = CASE WHEN $4 THEN $5 ELSE description END,
            event_types = CASE WHEN $6 THEN $7 ELSE event_types END,
            enabled = COALESCE($8, enabled),
            -- Disabling an already disabled endpoint keeps its first reason (e.g. gone).
            disabled_reason = CASE WHEN $8 IS NULL THEN disabled_reason WHEN $8 THEN NULL
                                   WHEN enabled THEN 'manual' ELSE disabled_reason END,
            disabled_at = CASE WHEN $8 IS NULL THEN disabled_at WHEN $8 THEN NULL
                               WHEN enabled THEN now() ELSE disabled_at END,
            disabled_detail = CASE WHEN $8 IS NULL THEN disabled_detail WHEN $8 THEN NULL
                                   WHEN enabled THEN NULL ELSE disabled_detail END,
            -- Enabled again or pointed elsewhere: the failure run starts afresh.
            failing_since = CASE WHEN ($8 AND NOT enabled) OR $3 <> url THEN NULL ELSE failing_since END,
            updated_at = now()
         WHERE tenant_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(patch.url)
    .bind(patch.description.is_some())
    .bind(patch.description.flatten())
    .bind(patch.event_types.is_some())
    .bind(patch.event_types.flatten())
    .bind(patch.enabled)
    .fetch_optional(conn)
    .await
}

/// Deletes the endpoint with its deliveries and their logs.
pub async fn delete(db: impl PgExecutor<'_>, tenant: TenantId, id: WebhookId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.uuid())
        .bind(id.uuid())
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the secret; the current one keeps signing until `previous_until`
/// (or stops at once when `None`).
pub async fn rotate_secret(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    id: WebhookId,
    secret_enc: &[u8],
    previous_until: Option<DateTime<Utc>>,
) -> Result<Option<EndpointRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE webhook_endpoints SET
            previous_secret_enc = CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE secret_enc END,
            previous_secret_expires_at = $4,
            secret_enc = $3,
            updated_at = now()
         WHERE tenant_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(secret_enc)
    .bind(previous_until)
    .fetch_optional(db)
    .await
}

/// A delivery succeeded: the endpoint is healthy again.
pub async fn record_success(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A delivery failed: starts a failure run unless one is going on, and
/// returns when the current run began.
pub async fn record_failure(conn: &mut PgConnection, id: Uuid) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1 RETURNING failing_since",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Disables an enabled endpoint for `reason`; `None` when it already was.
pub async fn disable(
    conn: &mut PgConnection,
    id: Uuid,
    reason: DisabledReason,
    detail: &str,
) -> Result<Option<EndpointRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(),
            disabled_detail = $3, updated_at = now()
         WHERE id = $1 AND enabled
         RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(reason.as_str())
    .bind(detail)
    .fetch_optional(conn)
    .await
}
