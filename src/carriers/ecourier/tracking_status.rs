//! e-Courier order statuses and order event types → the normalized status.

use crate::domain::tracking::StatusMapping;
use crate::domain::tracking::TrackingStatus::{self, *};

const fn m(raw: &'static str, status: TrackingStatus, meaning: &'static str) -> StatusMapping {
    StatusMapping { raw, status, meaning }
}

pub const TABLE: &[StatusMapping] = &[
    // `OrderStatus` as documented.
    m("N", PreTransit, "OrderStatus: new"),
    m("A", PreTransit, "OrderStatus: assigned to a driver"),
    m("I", InTransit, "OrderStatus: in progress (picked up)"),
    m("P", Delivered, "OrderStatus: proof of delivery taken (completed)"),
    m("X", Cancelled, "OrderStatus: deleted"),
    m("T", PreTransit, "OrderStatus: template"),
    // `OrderEvents.OrderEvent.EventType`.
    m("Order Created", PreTransit, "event: order created"),
    m("Order Dispatched", PreTransit, "event: a driver was assigned"),
    m("Arrived Pickup", PreTransit, "event: the driver is at the pickup stop"),
    m("Picked Up", PickedUp, "event: picked up"),
    m("Arrived Delivery", OutForDelivery, "event: the driver is at the delivery stop"),
    m("Delivery Attempted", DeliveryFailed, "event: delivery attempted without success"),
    m("POD", Delivered, "event: proof of delivery (signature) taken"),
    m("Return To Sender", Returning, "event: going back to the shipper"),
    m("Returned", Returned, "event: back with the shipper"),
    m("COD Collected", Delivered, "event: cash on delivery collected"),
    m("COD Remitted", Delivered, "event: cash on delivery paid to the merchant"),
    m("Exception", OnHold, "event: an exception stopped the order"),
    m("Order Cancelled", Cancelled, "event: order cancelled"),
];
