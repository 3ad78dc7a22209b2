//! Shipping over real HTTP against the carrier sandbox: quotes, bookings
//! (never twice), labels, changes, cancellation, dispatch, pickups, relay
//! points, stop desks, notes, returns, and every documented carrier error.
//! One binary; modules live in tests/shipping/.

mod common;

#[allow(dead_code)]
#[path = "webhooks/receiver.rs"]
mod receiver;
#[path = "shipping/sandboxed.rs"]
mod sandboxed;
#[path = "shipping/support.rs"]
mod support;

#[path = "shipping/booking.rs"]
mod booking;
#[path = "shipping/carrier_errors.rs"]
mod carrier_errors;
#[path = "shipping/crash.rs"]
mod crash;
#[path = "shipping/ecotrack.rs"]
mod ecotrack;
#[path = "shipping/ecourier.rs"]
mod ecourier;
#[path = "shipping/hostile.rs"]
mod hostile;
#[path = "shipping/never_twice.rs"]
mod never_twice;
#[path = "shipping/pickups.rs"]
mod pickups;
#[path = "shipping/quotes.rs"]
mod quotes;
#[path = "shipping/walkthrough.rs"]
mod walkthrough;
#[path = "shipping/webhook_events.rs"]
mod webhook_events;
