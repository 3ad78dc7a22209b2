//! My Flying Box tracking event codes → the normalized status. `unknown`
//! carries the transporter's own words in its English label; a few such
//! labels are common enough to be recognised (see `refine_unknown`).

use crate::domain::tracking::StatusMapping;
use crate::domain::tracking::TrackingStatus::{self, *};

const fn m(raw: &'static str, status: TrackingStatus, meaning: &'static str) -> StatusMapping {
    StatusMapping { raw, status, meaning }
}

pub const TABLE: &[StatusMapping] = &[
    m("shipment_created", PreTransit, "the order was confirmed"),
    m("picked_up", PickedUp, "collected at the pickup address"),
    m("departed_from_facility", InTransit, "left a facility"),
    m("arrived_at_facility", InTransit, "arrived at a facility"),
    m("at_departure_hub", InTransit, "at the departure hub"),
    m("in_transit", InTransit, "in transit between hubs"),
    m("at_arrival_hub", InTransit, "at the arrival hub"),
    m("delivery_in_progress", OutForDelivery, "out for delivery"),
    m("delivery_exception", DeliveryFailed, "delivery attempted without success"),
    m("delivered", Delivered, "delivered"),
    m("unknown", Unknown, "a transporter event without a standard code (its label says what; some are recognised)"),
];

/// Statuses read from the English label of an `unknown` event.
pub fn refine_unknown(label: &str) -> TrackingStatus {
    let l = label.to_lowercase();
    if l.contains("returned to shipper") || l.contains("returned to sender") {
        Returned
    } else if l.contains("return") {
        Returning
    } else if l.contains("relay point") || l.contains("awaiting collection") {
        AvailableForPickup
    } else if l.contains("cannot be located") || l.contains("lost") {
        OnHold
    } else {
        Unknown
    }
}
