//! The life of an e-Courier order (sandbox clock, from SaveOrder): events,
//! @OrderStatus (N new, A assigned, I in progress/picked up, P POD done, X deleted).

use chrono::{DateTime, Duration, Utc};

use super::store::EcOrder;
use crate::sandbox::core::scenario::Scenario;

pub const SUPPORTED: [Scenario; 7] = [
    Scenario::Delivered,
    Scenario::FailedAttempt,
    Scenario::Returned,
    Scenario::Cod,
    Scenario::Exception,
    Scenario::Lost,
    Scenario::Cancelled,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    Created,
    Dispatched,
    ArrivedPickup,
    PickedUp,
    ArrivedDelivery,
    Attempted,
    Delivered,
    ReturnToSender,
    Returned,
    CodCollected,
    CodRemitted,
    Exception(&'static str),
    Cancelled,
}

impl Milestone {
    pub fn event_type(self) -> &'static str {
        match self {
            Milestone::Created => "Order Created",
            Milestone::Dispatched => "Order Dispatched",
            Milestone::ArrivedPickup => "Arrived Pickup",
            Milestone::PickedUp => "Picked Up",
            Milestone::ArrivedDelivery => "Arrived Delivery",
            Milestone::Attempted => "Delivery Attempted",
            Milestone::Delivered => "POD",
            Milestone::ReturnToSender => "Return To Sender",
            Milestone::Returned => "Returned",
            Milestone::CodCollected => "COD Collected",
            Milestone::CodRemitted => "COD Remitted",
            Milestone::Exception(_) => "Exception",
            Milestone::Cancelled => "Order Cancelled",
        }
    }

    pub fn note(self) -> &'static str {
        match self {
            Milestone::Attempted => "Recipient not available",
            Milestone::Exception(note) => note,
            Milestone::Returned => "Returned to shipper",
            _ => "",
        }
    }

    /// The @OrderStatus this milestone moves the order to, if any.
    fn status(self) -> Option<&'static str> {
        match self {
            Milestone::Created => Some("N"),
            Milestone::Dispatched => Some("A"),
            Milestone::PickedUp => Some("I"),
            Milestone::Delivered | Milestone::Returned => Some("P"),
            Milestone::Cancelled => Some("X"),
            _ => None,
        }
    }
}

fn timeline(scenario: Scenario) -> Vec<(i64, Milestone)> {
    use Milestone::*;
    let mut steps = vec![(0, Created), (15, Dispatched), (60, ArrivedPickup), (70, PickedUp)];
    let tail: Vec<(i64, Milestone)> = match scenario {
        Scenario::FailedAttempt => {
            vec![(170, ArrivedDelivery), (180, Attempted), (1610, ArrivedDelivery), (1620, Delivered)]
        }
        Scenario::Returned => vec![
            (170, ArrivedDelivery),
            (180, Attempted),
            (1610, ArrivedDelivery),
            (1620, Attempted),
            (1680, ReturnToSender),
            (1800, Returned),
        ],
        Scenario::Cod => vec![(170, ArrivedDelivery), (180, Delivered), (181, CodCollected), (4320, CodRemitted)],
        Scenario::Exception => vec![(120, Exception("Package damaged in transit"))],
        Scenario::Lost => vec![(120, Exception("Package lost"))],
        Scenario::Cancelled => {
            steps.truncate(1);
            vec![(30, Cancelled)]
        }
        _ => vec![(170, ArrivedDelivery), (180, Delivered)],
    };
    steps.extend(tail);
    steps
}

/// The milestones reached by `now`, with their times (cancellation cuts the rest).
pub fn reached(order: &EcOrder, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Milestone)> {
    let mut out = Vec::new();
    for (minutes, milestone) in timeline(order.scenario) {
        let at = order.created_at + Duration::minutes(minutes);
        if at > now || order.cancelled_at.is_some_and(|c| at > c) {
            break;
        }
        out.push((at, milestone));
    }
    if let Some(cancelled) = order.cancelled_at.filter(|c| *c <= now) {
        out.push((cancelled, Milestone::Cancelled));
    }
    out
}

pub fn order_status(reached: &[(DateTime<Utc>, Milestone)]) -> &'static str {
    reached.iter().rev().find_map(|(_, m)| m.status()).unwrap_or("N")
}

/// Picked up (or later): the order can no longer be cancelled or modified.
pub fn picked_up(reached: &[(DateTime<Utc>, Milestone)]) -> bool {
    reached.iter().any(|(_, m)| *m == Milestone::PickedUp)
}
