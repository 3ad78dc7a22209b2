//! Ecotrack order management as integrators use it (ecotrack-extra-notes.md):
//! create (form fields), bulk create (`{"orders": {"0": {...}}}`, an object
//! keyed by index), the paged `get/orders` list, and `{success, message}` answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::carriers::lenient;

/// The fields of one order, sent as form fields (create, update) or as an
/// object of the bulk body. Numbers travel as text, as a form would send them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrderFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nom_client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// 1–58.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_wilaya: Option<String>,
    /// Cash to collect, DZD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub montant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarque: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produit: Option<String>,
    /// 1 delivery, 2 exchange, 3 pickup, 4 recovery.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// 0 home, 1 pick-up desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_desk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BulkBody {
    pub orders: BTreeMap<String, OrderFields>,
}

/// `{"success": true, "message": "...", "tracking": "ECLWIT2505052286"}`
#[derive(Debug, Deserialize)]
pub struct Created {
    #[serde(default, deserialize_with = "lenient::flag")]
    pub success: bool,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub tracking: Option<String>,
}

/// `{"success": bool, "results": {"0": {...}, "1": {...}}}`
#[derive(Debug, Deserialize)]
pub struct BulkCreated {
    #[serde(default)]
    pub results: BTreeMap<String, BulkResult>,
}

#[derive(Debug, Deserialize)]
pub struct BulkResult {
    #[serde(default, deserialize_with = "lenient::flag")]
    pub success: bool,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub tracking: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

/// A Laravel page of `get/orders` (40 per page).
#[derive(Debug, Deserialize)]
pub struct OrdersPage {
    #[serde(default)]
    pub current_page: Option<u32>,
    #[serde(default)]
    pub last_page: Option<u32>,
    #[serde(default)]
    pub data: Vec<ListedOrder>,
}

#[derive(Debug, Deserialize)]
pub struct ListedOrder {
    #[serde(deserialize_with = "lenient::text")]
    pub tracking: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub montant: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub stop_desk: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub created_at: Option<String>,
}

/// One entry of `get/maj`.
#[derive(Debug, Deserialize)]
pub struct Note {
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub remarque: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub station: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub livreur: Option<String>,
    /// "2021-03-05 11:04:19", Algiers time.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub created_at: Option<String>,
}
