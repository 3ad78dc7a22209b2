//! Per-account e-Courier settings (the account's `settings` object): each
//! e-Courier customer system has its own services, billing code, zone and currency.

use serde::Deserialize;

use super::dates::UsZone;
use crate::domain::money::Currency;

/// The document's example service, used when an account names none.
pub const DEFAULT_SERVICE: &str = "Route";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `CustomerCode` sent with orders (the billing customer in e-Courier).
    pub customer_code: Option<String>,
    /// Services to quote (`QuoteOrder` is asked once per service).
    pub services: Vec<String>,
    pub time_zone: UsZone,
    pub currency: Currency,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    customer_code: Option<String>,
    #[serde(default)]
    services: Option<Vec<String>>,
    #[serde(default)]
    time_zone: Option<UsZone>,
    #[serde(default)]
    currency: Option<String>,
}

impl Settings {
    /// Reads what it understands; a malformed value falls back to its default with a warning.
    pub fn from_value(value: &serde_json::Value) -> Settings {
        let raw: Raw = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "e-Courier account settings unreadable; using defaults");
            Raw { customer_code: None, services: None, time_zone: None, currency: None }
        });
        let services: Vec<String> = raw
            .services
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .take(10)
            .collect();
        Settings {
            customer_code: raw.customer_code.filter(|c| !c.trim().is_empty()),
            services: if services.is_empty() { vec![DEFAULT_SERVICE.to_owned()] } else { services },
            time_zone: raw.time_zone.unwrap_or_default(),
            currency: raw.currency.and_then(|c| c.parse().ok()).unwrap_or(Currency::USD),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_value(&serde_json::json!({}))
    }
}
