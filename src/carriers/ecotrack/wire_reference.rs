//! Ecotrack reference data: `get/wilayas`, `get/communes`, `get/fees`.

use serde::{Deserialize, Serialize};

use crate::carriers::lenient;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Commune {
    #[serde(deserialize_with = "lenient::text")]
    pub nom: String,
    #[serde(deserialize_with = "lenient::text")]
    pub wilaya_id: String,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub code_postal: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub has_stop_desk: bool,
}

/// `{"livraison": [{"wilaya_id": 16, "tarif": "400", "tarif_stopdesk": "300"}]}`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fees {
    #[serde(default)]
    pub livraison: Vec<Fee>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    #[serde(deserialize_with = "lenient::text")]
    pub wilaya_id: String,
    /// Home delivery, DZD.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub tarif: Option<String>,
    /// Stop-desk delivery, DZD.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub tarif_stopdesk: Option<String>,
}
