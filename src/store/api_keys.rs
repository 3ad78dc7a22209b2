use sqlx::PgPool;

use crate::domain::ids::{ApiKeyId, TenantId};

/// What a valid key resolves to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyOwner {
    pub key_id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub tenant_name: String,
    pub mode: String,
}

pub async fn insert(
    db: &PgPool,
    tenant: TenantId,
    mode: &str,
    key_hash: &[u8; 32],
    key_prefix: &str,
) -> Result<ApiKeyId, sqlx::Error> {
    let id = ApiKeyId::new();
    sqlx::query("INSERT INTO api_keys (id, tenant_id, mode, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.uuid())
        .bind(tenant.uuid())
        .bind(mode)
        .bind(key_hash.as_slice())
        .bind(key_prefix)
        .execute(db)
        .await?;
    Ok(id)
}

pub async fn find_active(db: &PgPool, key_hash: &[u8; 32]) -> Result<Option<KeyOwner>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.id AS key_id, k.tenant_id, t.name AS tenant_name, k.mode
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(key_hash.as_slice())
    .fetch_optional(db)
    .await
}
