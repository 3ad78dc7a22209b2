//! Carrier accounts: the merchant's credentials at each carrier, validated
//! per carrier, encrypted at rest, never shown back except masked.

use std::str::FromStr;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::carriers::credentials::CarrierCredentials;
use crate::carriers::registry::{self, AccountConfig};
use crate::carriers::{CallCtx, Carrier, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, TenantId};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::store::carrier_accounts::{self as rows, CarrierAccountPatch, CarrierAccountRow, NewCarrierAccount};

const MAX_SETTINGS_BYTES: usize = 16 * 1024;

/// An account as the API shows it (credentials masked).
#[derive(Debug, Clone)]
pub struct CarrierAccount {
    pub id: CarrierAccountId,
    pub carrier: CarrierKind,
    pub name: String,
    pub credentials: serde_json::Value,
    /// The URL calls go to: the account's own, or the carrier's default.
    pub base_url: Option<String>,
    pub test_mode: bool,
    pub settings: serde_json::Value,
    pub verified_at: Option<DateTime<Utc>>,
    pub last_verify_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn carrier_of(row: &CarrierAccountRow) -> Result<CarrierKind, ApiError> {
    CarrierKind::from_str(&row.carrier).map_err(ApiError::internal)
}

impl TryFrom<CarrierAccountRow> for CarrierAccount {
    type Error = ApiError;

    fn try_from(row: CarrierAccountRow) -> Result<Self, ApiError> {
        let carrier = carrier_of(&row)?;
        let base_url = registry::resolve_base_url(carrier, row.base_url.as_deref(), row.test_mode).ok();
        Ok(CarrierAccount {
            id: row.id.into(),
            carrier,
            name: row.name,
            credentials: row.credentials_mask,
            base_url,
            test_mode: row.test_mode,
            settings: row.settings,
            verified_at: row.verified_at,
            last_verify_error: row.last_verify_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub struct NewAccount {
    pub carrier: CarrierKind,
    pub name: String,
    pub credentials: serde_json::Value,
    pub base_url: Option<String>,
    pub test_mode: bool,
    pub settings: Option<serde_json::Value>,
}

#[derive(Default)]
pub struct AccountChanges {
    pub name: Option<String>,
    pub credentials: Option<serde_json::Value>,
    pub base_url: Option<Option<String>>,
    pub test_mode: Option<bool>,
    pub settings: Option<serde_json::Value>,
}

fn check_name(errors: &mut Vec<FieldError>, name: &str) {
    if name.trim().is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new("name", "must be 1 to 200 characters"));
    }
}

fn check_settings(errors: &mut Vec<FieldError>, settings: &serde_json::Value) {
    if !settings.is_object() {
        errors.push(FieldError::new("settings", "must be a JSON object"));
    } else if settings.to_string().len() > MAX_SETTINGS_BYTES {
        errors.push(FieldError::new("settings", format!("must be at most {MAX_SETTINGS_BYTES} bytes")));
    }
}

fn seal(state: &AppState, id: CarrierAccountId, credentials: &CarrierCredentials) -> Vec<u8> {
    state.secrets.seal(&credentials.to_json_bytes(), id.uuid().as_bytes())
}

pub async fn create(state: &AppState, tenant: TenantId, new: NewAccount) -> Result<CarrierAccount, ApiError> {
    let mut errors = Vec::new();
    check_name(&mut errors, &new.name);
    let settings = new.settings.unwrap_or_else(|| serde_json::json!({}));
    check_settings(&mut errors, &settings);
    if let Err(e) = registry::resolve_base_url(new.carrier, new.base_url.as_deref(), new.test_mode) {
        errors.push(e);
    }
    let credentials = match CarrierCredentials::parse(new.carrier, new.credentials) {
        Ok(c) => Some(c),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let Some(credentials) = credentials.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let id = CarrierAccountId::new();
    let sealed = seal(state, id, &credentials);
    let base_url = new.base_url.as_deref().map(|u| u.trim_end_matches('/'));
    let row = rows::insert(
        &state.db,
        NewCarrierAccount {
            id,
            tenant,
            carrier: new.carrier.as_str(),
            name: new.name.trim(),
            credentials_enc: &sealed,
            credentials_mask: &credentials.masked(),
            base_url,
            test_mode: new.test_mode,
            settings: &settings,
        },
    )
    .await?;
    row.try_into()
}

pub async fn get(state: &AppState, tenant: TenantId, id: CarrierAccountId) -> Result<CarrierAccount, ApiError> {
    row(state, tenant, id).await?.try_into()
}

async fn row(state: &AppState, tenant: TenantId, id: CarrierAccountId) -> Result<CarrierAccountRow, ApiError> {
    rows::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("carrier account", id))
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    carrier: Option<CarrierKind>,
    after: Option<CarrierAccountId>,
    limit: u32,
) -> Result<Vec<CarrierAccount>, ApiError> {
    let rows = rows::list(&state.db, tenant, carrier.map(|c| c.as_str()), after, i64::from(limit) + 1).await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn update(
    state: &AppState,
    tenant: TenantId,
    id: CarrierAccountId,
    changes: AccountChanges,
) -> Result<CarrierAccount, ApiError> {
    let current = row(state, tenant, id).await?;
    let carrier = carrier_of(&current)?;
    let mut errors = Vec::new();
    if let Some(name) = &changes.name {
        check_name(&mut errors, name);
    }
    if let Some(settings) = &changes.settings {
        check_settings(&mut errors, settings);
    }
    let base_url = changes.base_url.clone().unwrap_or(current.base_url.clone());
    let test_mode = changes.test_mode.unwrap_or(current.test_mode);
    if let Err(e) = registry::resolve_base_url(carrier, base_url.as_deref(), test_mode) {
        errors.push(e);
    }
    let credentials = match changes.credentials.map(|c| CarrierCredentials::parse(carrier, c)) {
        Some(Ok(c)) => Some(c),
        Some(Err(mut e)) => {
            errors.append(&mut e);
            None
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let sealed = credentials.as_ref().map(|c| (seal(state, id, c), c.masked()));
    let patch = CarrierAccountPatch {
        name: changes.name.as_deref().map(str::trim),
        credentials: sealed.as_ref().map(|(s, m)| (s.as_slice(), m)),
        base_url: changes.base_url.as_ref().map(|b| b.as_deref().map(|u| u.trim_end_matches('/'))),
        test_mode: changes.test_mode,
        settings: changes.settings.as_ref(),
    };
    rows::update(&state.db, tenant, id, patch)
        .await?
        .ok_or_else(|| ApiError::not_found("carrier account", id))?
        .try_into()
}

pub async fn archive(state: &AppState, tenant: TenantId, id: CarrierAccountId) -> Result<(), ApiError> {
    if rows::archive(&state.db, tenant, id).await? { Ok(()) } else { Err(ApiError::not_found("carrier account", id)) }
}

/// Decrypts an account into what its connector needs.
pub fn account_config(state: &AppState, row: &CarrierAccountRow) -> Result<AccountConfig, ApiError> {
    let carrier = carrier_of(row)?;
    let plaintext = state.secrets.open(&row.credentials_enc, row.id.as_bytes()).map_err(|e| {
        tracing::error!(account = %CarrierAccountId::from(row.id), error = %e, "cannot decrypt carrier credentials");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "credentials_unreadable",
            "Credentials unreadable",
            "the account's credentials cannot be decrypted with the configured master key",
        )
    })?;
    let value: serde_json::Value = serde_json::from_slice(&plaintext).map_err(ApiError::internal)?;
    let credentials = CarrierCredentials::parse(carrier, value)
        .map_err(|e| ApiError::internal(format!("stored credentials no longer parse: {e:?}")))?;
    let base_url = registry::resolve_base_url(carrier, row.base_url.as_deref(), row.test_mode)
        .map_err(|e| ApiError::validation(vec![e]))?;
    Ok(AccountConfig {
        id: row.id.into(),
        tenant: row.tenant_id.into(),
        credentials,
        base_url,
        test_mode: row.test_mode,
        settings: row.settings.clone(),
    })
}

/// The connector of one of the tenant's accounts.
pub async fn connector(
    state: &AppState,
    tenant: TenantId,
    id: CarrierAccountId,
) -> Result<(CarrierAccountRow, Arc<dyn Carrier>), ApiError> {
    let row = row(state, tenant, id).await?;
    let config = account_config(state, &row)?;
    Ok((row, registry::build(&config, &state.carriers)))
}

pub struct Verification {
    pub account: CarrierAccount,
    pub message: Option<String>,
}

/// Calls the carrier with the stored credentials. A refusal is recorded on
/// the account; a transient failure is not (it says nothing of the credentials).
pub async fn verify(state: &AppState, tenant: TenantId, id: CarrierAccountId) -> Result<Verification, ApiError> {
    let (_, connector) = connector(state, tenant, id).await?;
    let ctx = CallCtx::interactive(tenant, id);
    match connector.verify(&ctx).await {
        Ok(verified) => {
            let row = rows::record_verification(&state.db, tenant, id, None)
                .await?
                .ok_or_else(|| ApiError::not_found("carrier account", id))?;
            Ok(Verification { account: row.try_into()?, message: verified.message })
        }
        Err(
            err @ (CarrierError::AuthFailed { .. } | CarrierError::Rejected { .. } | CarrierError::NotFound { .. }),
        ) => {
            rows::record_verification(&state.db, tenant, id, Some(&err.to_string())).await?;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}
