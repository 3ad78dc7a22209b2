//! API keys: random, prefixed (`sg_live_…` / `sg_test_…`), stored as hashes.

use crate::crypto::{random_alphanumeric, token_hash};
use crate::domain::ids::{ApiKeyId, TenantId};
use crate::store::{self, Db};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyMode {
    Live,
    Test,
}

impl KeyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMode::Live => "live",
            KeyMode::Test => "test",
        }
    }
}

/// A key as created; `secret` is shown once and never stored.
#[derive(Debug)]
pub struct CreatedKey {
    pub id: ApiKeyId,
    pub tenant: TenantId,
    pub tenant_name: String,
    pub secret: String,
}

/// Creates a key for the named tenant, creating the tenant when new.
pub async fn create(db: &Db, tenant_name: &str, mode: KeyMode) -> Result<CreatedKey, sqlx::Error> {
    let tenant = store::tenants::find_or_create(db, tenant_name).await?;
    let secret = format!("sg_{}_{}", mode.as_str(), random_alphanumeric(40));
    let prefix: String = secret.chars().take(12).collect();
    let tenant_id = TenantId::from(tenant.id);
    let id = store::api_keys::insert(db, tenant_id, mode.as_str(), &token_hash(&secret), &prefix).await?;
    Ok(CreatedKey { id, tenant: tenant_id, tenant_name: tenant.name, secret })
}
