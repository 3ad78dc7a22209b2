//! e-Courier data: UserGUIDs and orders, per account.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::sandbox::core::scenario::Scenario;

pub struct Guid {
    pub account: String,
    pub last_used: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct EcOrder {
    pub account: String,
    pub order_id: u64,
    pub number: String,
    pub created_at: DateTime<Utc>,
    pub scenario: Scenario,
    /// Order-level scalar fields as sent (keys without '@').
    pub fields: Map<String, Value>,
    pub pieces: Vec<Value>,
    pub stops: Vec<Value>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub amount_charged_cents: i64,
}

pub struct EcourierData {
    pub guids: HashMap<String, Guid>,
    /// Keyed by (account, order number).
    pub orders: HashMap<(String, String), EcOrder>,
    pub next_order_id: u64,
    pub next_number: u64,
}

impl Default for EcourierData {
    fn default() -> Self {
        EcourierData { guids: HashMap::new(), orders: HashMap::new(), next_order_id: 2073, next_number: 5_648_172 }
    }
}

#[derive(Default)]
pub struct EcourierStore {
    data: Mutex<EcourierData>,
}

impl EcourierStore {
    pub fn lock(&self) -> MutexGuard<'_, EcourierData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// GUIDs are compared without braces, upper case.
pub fn normalize_guid(raw: &str) -> String {
    raw.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_uppercase()
}
