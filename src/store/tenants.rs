use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::ids::TenantId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    pub id: uuid::Uuid,
    pub name: String,
    pub settings: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Returns the tenant of that name, creating it when it does not exist.
pub async fn find_or_create(db: &PgPool, name: &str) -> Result<TenantRow, sqlx::Error> {
    sqlx::query("INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(TenantId::new().uuid())
        .bind(name)
        .execute(db)
        .await?;
    sqlx::query_as("SELECT id, name, settings, created_at FROM tenants WHERE name = $1").bind(name).fetch_one(db).await
}

pub async fn get(db: &PgPool, id: TenantId) -> Result<Option<TenantRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, settings, created_at FROM tenants WHERE id = $1")
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

pub async fn update_settings(db: &PgPool, id: TenantId, settings: &serde_json::Value) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tenants SET settings = $2 WHERE id = $1").bind(id.uuid()).bind(settings).execute(db).await?;
    Ok(())
}

/// Sets one top-level key of the tenant's settings.
pub async fn set_setting(db: &PgPool, id: TenantId, key: &str, value: &serde_json::Value) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tenants SET settings = jsonb_set(settings, ARRAY[$2], $3, true) WHERE id = $1")
        .bind(id.uuid())
        .bind(key)
        .bind(value)
        .execute(db)
        .await?;
    Ok(())
}
