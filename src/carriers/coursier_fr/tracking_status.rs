//! Coursier.fr mission states (`State`, French by default, English with
//! `Lang: EN`) → the normalized status.

use crate::domain::tracking::StatusMapping;
use crate::domain::tracking::TrackingStatus::{self, *};

const fn m(raw: &'static str, status: TrackingStatus, meaning: &'static str) -> StatusMapping {
    StatusMapping { raw, status, meaning }
}

pub const TABLE: &[StatusMapping] = &[
    m("Non dispatchée", PreTransit, "no courier assigned yet"),
    m("Non dispatchee", PreTransit, "no courier assigned yet"),
    m("not yet dispatched", PreTransit, "no courier assigned yet"),
    m("Dispatchée", PreTransit, "a courier is assigned"),
    m("Dispatchee", PreTransit, "a courier is assigned"),
    m("Dispatched", PreTransit, "a courier is assigned"),
    m("En approche enlèvement", PreTransit, "the courier is approaching the pickup"),
    m("En approche enlevement", PreTransit, "the courier is approaching the pickup"),
    m("Approaching pickup", PreTransit, "the courier is approaching the pickup"),
    m("Enlevée", PickedUp, "picked up"),
    m("Enlevee", PickedUp, "picked up"),
    m("Picked up", PickedUp, "picked up"),
    m("En approche livraison", OutForDelivery, "the courier is approaching the delivery address"),
    m("Approaching delivery", OutForDelivery, "the courier is approaching the delivery address"),
    m("Livrée", Delivered, "delivered"),
    m("Livree", Delivered, "delivered"),
    m("Delivered", Delivered, "delivered"),
    m("A facturer", Delivered, "delivered, to be invoiced"),
    m("À facturer", Delivered, "delivered, to be invoiced"),
    m("To be invoiced", Delivered, "delivered, to be invoiced"),
    m("Facturée", Delivered, "delivered and invoiced"),
    m("Facturee", Delivered, "delivered and invoiced"),
    m("Billed", Delivered, "delivered and invoiced"),
    m("Incident", DeliveryFailed, "an incident stopped the mission (failed load or delivery)"),
    m("Annulée", Cancelled, "cancelled"),
    m("Annulee", Cancelled, "cancelled"),
    m("Canceled", Cancelled, "cancelled"),
    m("Cancelled", Cancelled, "cancelled"),
    m("", PreTransit, "a later leg of a re-planned mission, not started"),
];
