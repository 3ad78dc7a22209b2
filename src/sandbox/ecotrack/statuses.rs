//! Ecotrack status codes and their inconsistent spellings. Which spelling an
//! answer uses depends on the endpoint and on a hash of the tracking, so it is
//! stable for a given parcel but varies across parcels and endpoints.

use crate::sandbox::core::hash::stable_hash;

/// (code as accepted by the `status` filter, accented snake spelling, French label).
pub const STATUSES: [(&str, &str, &str); 19] = [
    ("prete_a_expedier", "prête_à_expédier", "Prête à expédier"),
    ("en_ramassage", "en_ramassage", "En ramassage"),
    ("en_preparation_stock", "en_préparation_stock", "En préparation stock"),
    ("vers_hub", "vers_hub", "Vers hub"),
    ("en_hub", "en_hub", "En hub"),
    ("vers_wilaya", "vers_wilaya", "Vers wilaya"),
    ("en_preparation", "en_préparation", "En préparation"),
    ("en_livraison", "en_livraison", "En livraison"),
    ("suspendu", "suspendu", "Suspendu"),
    ("livre_non_encaisse", "livré_non_encaissé", "Livré non encaissé"),
    ("encaisse_non_paye", "encaissé_non_payé", "Encaissé non payé"),
    ("paiements_prets", "paiements_prêts", "Paiements prêts"),
    ("paye_et_archive", "payé_et_archivé", "Payé et archivé"),
    ("retour_chez_livreur", "retour_chez_livreur", "Retour chez livreur"),
    ("retour_transit_entrepot", "retour_transit_entrepôt", "Retour transit entrepôt"),
    ("retour_en_traitement", "retour_en_traitement", "Retour en traitement"),
    ("retour_recu", "retour_reçu", "Retour reçu"),
    ("retour_archive", "retour_archivé", "Retour archivé"),
    ("annule", "annulé", "Annulé"),
];

/// Archived parcels are left out of `get/orders`.
pub const ARCHIVED: [&str; 2] = ["paye_et_archive", "retour_archive"];

pub fn is_known(code: &str) -> bool {
    STATUSES.iter().any(|s| s.0 == code)
}

/// Where a status is written; each endpoint shifts the spelling choice.
#[derive(Clone, Copy)]
pub enum Endpoint {
    OrdersStatus,
    OrdersList,
}

/// The spelling of `code` for this tracking in this endpoint.
pub fn spelled(code: &str, tracking: &str, endpoint: Endpoint) -> String {
    let Some((plain, accented, label)) = STATUSES.iter().find(|s| s.0 == code) else {
        return code.to_owned();
    };
    let shift = match endpoint {
        Endpoint::OrdersStatus => 0,
        Endpoint::OrdersList => 1,
    };
    match (stable_hash(tracking) + shift) % 3 {
        0 => (*plain).to_owned(),
        1 => (*accented).to_owned(),
        _ => (*label).to_owned(),
    }
}
