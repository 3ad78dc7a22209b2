//! Ecotrack's statuses and activity codes → the normalized status. Every
//! status comes in three spellings (plain code, accented snake case, label)
//! and all are listed; activity codes are spelled as documented.

use crate::domain::tracking::StatusMapping;
use crate::domain::tracking::TrackingStatus::{self, *};

const fn m(raw: &'static str, status: TrackingStatus, meaning: &'static str) -> StatusMapping {
    StatusMapping { raw, status, meaning }
}

pub const TABLE: &[StatusMapping] = &[
    m("prete_a_expedier", PreTransit, "ready to ship, not yet validated"),
    m("prête_à_expédier", PreTransit, "ready to ship, not yet validated"),
    m("Prête à expédier", PreTransit, "ready to ship, not yet validated"),
    m("en_ramassage", PreTransit, "awaiting collection by the carrier"),
    m("En ramassage", PreTransit, "awaiting collection by the carrier"),
    m("en_preparation_stock", PreTransit, "being prepared from the carrier's stock"),
    m("en_préparation_stock", PreTransit, "being prepared from the carrier's stock"),
    m("En préparation stock", PreTransit, "being prepared from the carrier's stock"),
    m("vers_hub", PickedUp, "collected, on its way to the hub"),
    m("Vers hub", PickedUp, "collected, on its way to the hub"),
    m("en_hub", InTransit, "at the hub"),
    m("En hub", InTransit, "at the hub"),
    m("vers_wilaya", InTransit, "on its way to the destination wilaya"),
    m("Vers wilaya", InTransit, "on its way to the destination wilaya"),
    m("en_preparation", InTransit, "being prepared for delivery"),
    m("en_préparation", InTransit, "being prepared for delivery"),
    m("En préparation", InTransit, "being prepared for delivery"),
    m("en_livraison", OutForDelivery, "with the driver (at the desk for stop-desk parcels: available_for_pickup)"),
    m("En livraison", OutForDelivery, "with the driver (at the desk for stop-desk parcels: available_for_pickup)"),
    m("suspendu", OnHold, "suspended after a problem (usually a failed attempt)"),
    m("Suspendu", OnHold, "suspended after a problem (usually a failed attempt)"),
    m("livre_non_encaisse", Delivered, "delivered, cash not yet collected by the carrier"),
    m("livré_non_encaissé", Delivered, "delivered, cash not yet collected by the carrier"),
    m("Livré non encaissé", Delivered, "delivered, cash not yet collected by the carrier"),
    m("encaisse_non_paye", Delivered, "delivered, cash collected, not yet paid to the merchant"),
    m("encaissé_non_payé", Delivered, "delivered, cash collected, not yet paid to the merchant"),
    m("Encaissé non payé", Delivered, "delivered, cash collected, not yet paid to the merchant"),
    m("paiements_prets", Delivered, "delivered, payment to the merchant ready"),
    m("paiements_prêts", Delivered, "delivered, payment to the merchant ready"),
    m("Paiements prêts", Delivered, "delivered, payment to the merchant ready"),
    m("paye_et_archive", Delivered, "delivered, paid to the merchant and archived"),
    m("payé_et_archivé", Delivered, "delivered, paid to the merchant and archived"),
    m("Payé et archivé", Delivered, "delivered, paid to the merchant and archived"),
    m("retour_chez_livreur", Returning, "return: with the driver"),
    m("Retour chez livreur", Returning, "return: with the driver"),
    m("retour_transit_entrepot", Returning, "return: in transit to the warehouse"),
    m("retour_transit_entrepôt", Returning, "return: in transit to the warehouse"),
    m("Retour transit entrepôt", Returning, "return: in transit to the warehouse"),
    m("retour_en_traitement", Returning, "return: being processed"),
    m("Retour en traitement", Returning, "return: being processed"),
    m("retour_recu", Returned, "return received by the merchant"),
    m("retour_reçu", Returned, "return received by the merchant"),
    m("Retour reçu", Returned, "return received by the merchant"),
    m("retour_archive", Returned, "return archived"),
    m("retour_archivé", Returned, "return archived"),
    m("Retour archivé", Returned, "return archived"),
    m("annule", Cancelled, "cancelled"),
    m("annulé", Cancelled, "cancelled"),
    m("Annulé", Cancelled, "cancelled"),
    // Activity codes (history entries).
    m("order_information_received_by_carrier", PreTransit, "activity: the carrier received the order"),
    m("picked", PickedUp, "activity: collected from the merchant"),
    m("accepted_by_carrier", InTransit, "activity: accepted at the carrier's hub or desk"),
    m("dispatched_to_driver", OutForDelivery, "activity: handed to the delivery driver"),
    m("attempt_delivery", DeliveryFailed, "activity: delivery attempted without success"),
    m("return_asked", Returning, "activity: return requested"),
    m("return_in_transit", Returning, "activity: return in transit"),
    m("Return_received", Returned, "activity: return received (capital R, as sent)"),
    m("livred", Delivered, "activity: delivered"),
    m("encaissed", Delivered, "activity: cash on delivery collected"),
    m("payed", Delivered, "activity: cash on delivery paid to the merchant"),
];

/// Plain codes of the statuses meaning the cash was collected / paid out.
pub fn cod_stage(raw: &str) -> Option<(bool, bool)> {
    let plain = super::tracking::plain(raw);
    match plain.as_str() {
        "livre_non_encaisse" => Some((false, false)),
        "encaisse_non_paye" | "paiements_prets" => Some((true, false)),
        "paye_et_archive" => Some((true, true)),
        _ => None,
    }
}
