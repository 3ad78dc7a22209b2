//! Ecotrack parcels and notes, per account (token).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::sandbox::core::scenario::Scenario;

#[derive(Clone, Debug)]
pub struct OrderFields {
    pub reference: Option<String>,
    pub nom_client: String,
    pub telephone: String,
    pub telephone_2: Option<String>,
    pub adresse: String,
    pub commune: String,
    pub code_wilaya: u32,
    pub montant: f64,
    pub remarque: Option<String>,
    pub produit: Option<String>,
    pub kind: u8,
    pub stop_desk: bool,
    pub fragile: bool,
    pub weight: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Parcel {
    pub account: String,
    pub tracking: String,
    pub order_id: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub fields: OrderFields,
    pub scenario: Scenario,
    pub validated_at: Option<DateTime<Utc>>,
    pub return_asked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub tracking: String,
    pub remarque: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct EcotrackData {
    pub parcels: HashMap<String, Parcel>,
    pub notes: Vec<Note>,
    pub next_order_id: u64,
    pub counter: u64,
}

#[derive(Default)]
pub struct EcotrackStore {
    data: Mutex<EcotrackData>,
}

impl EcotrackStore {
    pub fn lock(&self) -> MutexGuard<'_, EcotrackData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl EcotrackData {
    /// A parcel of this account, by tracking.
    pub fn parcel(&self, account: &str, tracking: &str) -> Option<&Parcel> {
        self.parcels.get(tracking.trim()).filter(|p| p.account == account)
    }
}
