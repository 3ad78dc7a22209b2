//! Builds the connector of one carrier account.

use std::sync::Arc;

use super::credentials::CarrierCredentials;
use super::http::UpstreamHttp;
use super::session::SessionStore;
use super::{Carrier, coursier_fr, ecotrack, ecourier, myflyingbox};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, TenantId};
use crate::error::FieldError;

/// Everything about an account a connector needs (credentials decrypted).
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub id: CarrierAccountId,
    pub tenant: TenantId,
    pub credentials: CarrierCredentials,
    pub base_url: String,
    pub test_mode: bool,
    pub settings: serde_json::Value,
}

/// Shared parts every connector is built with.
#[derive(Clone)]
pub struct CarrierDeps {
    pub http: UpstreamHttp,
    pub sessions: Arc<dyn SessionStore>,
    pub ecourier_locks: Arc<ecourier::session::LocalLocks>,
    /// Carrier reference data kept between calls (Ecotrack communes and fees).
    pub reference_cache: Arc<dyn super::reference_cache::ReferenceCache>,
}

/// The base URL an account uses: its own, else the carrier's documented one.
/// e-Courier and Ecotrack have one host per customer, so theirs is required.
pub fn resolve_base_url(kind: CarrierKind, given: Option<&str>, test_mode: bool) -> Result<String, FieldError> {
    if let Some(url) = given {
        return validate_base_url(url).map(|u| u.trim_end_matches('/').to_owned());
    }
    match kind {
        CarrierKind::Myflyingbox if test_mode => Ok(myflyingbox::TEST_BASE_URL.to_owned()),
        CarrierKind::Myflyingbox => Ok(myflyingbox::LIVE_BASE_URL.to_owned()),
        CarrierKind::CoursierFr => Ok(coursier_fr::BASE_URL.to_owned()),
        CarrierKind::Ecourier => Err(FieldError::new(
            "base_url",
            "required for e-Courier: the customer's ecJsonPost.asmx URL, e.g. http://post.example.e-courier.com/example/software/xml/ecJsonPost.asmx",
        )),
        CarrierKind::Ecotrack => Err(FieldError::new(
            "base_url",
            "required for Ecotrack: the delivery company's host, e.g. https://acme.ecotrack.dz",
        )),
    }
}

pub fn validate_base_url(url: &str) -> Result<&str, FieldError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| FieldError::new("base_url", format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FieldError::new("base_url", "must be an http or https URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(FieldError::new("base_url", "must not carry credentials; put them in `credentials`"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(FieldError::new("base_url", "must not have a query or fragment"));
    }
    if url.len() > 500 {
        return Err(FieldError::new("base_url", "must be at most 500 characters"));
    }
    Ok(url)
}

pub fn build(account: &AccountConfig, deps: &CarrierDeps) -> Arc<dyn Carrier> {
    let http = deps.http.clone();
    let base_url = account.base_url.clone();
    match &account.credentials {
        CarrierCredentials::Myflyingbox(c) => Arc::new(myflyingbox::MyFlyingBox {
            client: myflyingbox::client::Client { http, base_url, credentials: c.clone() },
        }),
        CarrierCredentials::Ecourier(c) => Arc::new(ecourier::ECourier {
            client: ecourier::client::Client {
                http,
                base_url,
                credentials: c.clone(),
                sessions: deps.sessions.clone(),
                local_locks: deps.ecourier_locks.clone(),
                settings: ecourier::settings::Settings::from_value(&account.settings),
            },
        }),
        CarrierCredentials::Ecotrack(c) => Arc::new(ecotrack::Ecotrack {
            client: ecotrack::client::Client {
                http,
                base_url,
                credentials: c.clone(),
                reference_cache: deps.reference_cache.clone(),
            },
        }),
        CarrierCredentials::CoursierFr(c) => Arc::new(coursier_fr::CoursierFr {
            client: coursier_fr::client::Client { http, base_url, credentials: c.clone() },
        }),
    }
}

/// The capabilities of a carrier's connector, without building one.
pub fn capabilities_of(kind: CarrierKind) -> super::Capabilities {
    match kind {
        CarrierKind::Myflyingbox => myflyingbox::capabilities(),
        CarrierKind::Ecourier => ecourier::capabilities(),
        CarrierKind::Ecotrack => ecotrack::capabilities(),
        CarrierKind::CoursierFr => coursier_fr::capabilities(),
    }
}
