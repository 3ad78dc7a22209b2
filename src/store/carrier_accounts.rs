use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::ids::{CarrierAccountId, TenantId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CarrierAccountRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub carrier: String,
    pub name: String,
    pub credentials_enc: Vec<u8>,
    pub credentials_mask: serde_json::Value,
    pub base_url: Option<String>,
    pub test_mode: bool,
    pub settings: serde_json::Value,
    pub verified_at: Option<DateTime<Utc>>,
    pub last_verify_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, tenant_id, carrier, name, credentials_enc, credentials_mask, base_url, test_mode, \
                       settings, verified_at, last_verify_error, created_at, updated_at";

pub struct NewCarrierAccount<'a> {
    pub id: CarrierAccountId,
    pub tenant: TenantId,
    pub carrier: &'a str,
    pub name: &'a str,
    pub credentials_enc: &'a [u8],
    pub credentials_mask: &'a serde_json::Value,
    pub base_url: Option<&'a str>,
    pub test_mode: bool,
    pub settings: &'a serde_json::Value,
}

pub async fn insert(db: &PgPool, new: NewCarrierAccount<'_>) -> Result<CarrierAccountRow, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO carrier_accounts (id, tenant_id, carrier, name, credentials_enc, credentials_mask, base_url, test_mode, settings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    )))
    .bind(new.id.uuid())
    .bind(new.tenant.uuid())
    .bind(new.carrier)
    .bind(new.name)
    .bind(new.credentials_enc)
    .bind(new.credentials_mask)
    .bind(new.base_url)
    .bind(new.test_mode)
    .bind(new.settings)
    .fetch_one(db)
    .await
}

pub async fn get(
    db: &PgPool,
    tenant: TenantId,
    id: CarrierAccountId,
) -> Result<Option<CarrierAccountRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM carrier_accounts WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .fetch_optional(db)
    .await
}

/// Newest first; `after` is the id of the last row of the previous page.
pub async fn list(
    db: &PgPool,
    tenant: TenantId,
    carrier: Option<&str>,
    after: Option<CarrierAccountId>,
    limit: i64,
) -> Result<Vec<CarrierAccountRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM carrier_accounts
         WHERE tenant_id = $1 AND deleted_at IS NULL
           AND ($2::text IS NULL OR carrier = $2)
           AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4"
    )))
    .bind(tenant.uuid())
    .bind(carrier)
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Every live account of the tenant (quotes ask all of them by default).
pub async fn all(db: &PgPool, tenant: TenantId) -> Result<Vec<CarrierAccountRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM carrier_accounts WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id"
    )))
    .bind(tenant.uuid())
    .fetch_all(db)
    .await
}

/// Fields to change; `None` leaves a column as it is.
#[derive(Default)]
pub struct CarrierAccountPatch<'a> {
    pub name: Option<&'a str>,
    pub credentials: Option<(&'a [u8], &'a serde_json::Value)>,
    /// `Some(None)` clears the base URL.
    pub base_url: Option<Option<&'a str>>,
    pub test_mode: Option<bool>,
    pub settings: Option<&'a serde_json::Value>,
}

pub async fn update(
    db: &PgPool,
    tenant: TenantId,
    id: CarrierAccountId,
    patch: CarrierAccountPatch<'_>,
) -> Result<Option<CarrierAccountRow>, sqlx::Error> {
    let credentials_changed = patch.credentials.is_some();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE carrier_accounts SET
            name = COALESCE($3, name),
            credentials_enc = COALESCE($4, credentials_enc),
            credentials_mask = COALESCE($5, credentials_mask),
            base_url = CASE WHEN $6 THEN $7 ELSE base_url END,
            test_mode = COALESCE($8, test_mode),
            settings = COALESCE($9, settings),
            -- New credentials or endpoint: the old verification no longer says anything.
            verified_at = CASE WHEN $10 THEN NULL ELSE verified_at END,
            last_verify_error = CASE WHEN $10 THEN NULL ELSE last_verify_error END,
            updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
         RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(patch.name)
    .bind(patch.credentials.map(|c| c.0))
    .bind(patch.credentials.map(|c| c.1))
    .bind(patch.base_url.is_some())
    .bind(patch.base_url.flatten())
    .bind(patch.test_mode)
    .bind(patch.settings)
    .bind(credentials_changed || patch.base_url.is_some())
    .fetch_optional(db)
    .await
}

pub async fn archive(db: &PgPool, tenant: TenantId, id: CarrierAccountId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE carrier_accounts SET deleted_at = now(), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(tenant.uuid())
    .bind(id.uuid())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_verification(
    db: &PgPool,
    tenant: TenantId,
    id: CarrierAccountId,
    error: Option<&str>,
) -> Result<Option<CarrierAccountRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE carrier_accounts SET
            verified_at = CASE WHEN $3::text IS NULL THEN now() ELSE verified_at END,
            last_verify_error = $3,
            updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
         RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(error)
    .fetch_optional(db)
    .await
}
