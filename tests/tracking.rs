//! Tracking over real HTTP against the carrier sandbox: a parcel of each
//! carrier moved along its lifecycle with the sandbox clock, history that is
//! complete and never loses an event, batching to the minimum of calls,
//! replicas sharing the refresh queue, hostile input, and the webhooks of
//! tracking changes checked by an independent verifier.

mod common;

#[allow(dead_code)]
#[path = "webhooks/python.rs"]
mod python;
#[allow(dead_code)]
#[path = "shipping/sandboxed.rs"]
mod sandboxed;
#[allow(dead_code)]
#[path = "shipping/support.rs"]
mod support;

#[path = "tracking/api.rs"]
mod api;
#[path = "tracking/bench.rs"]
mod bench;
#[path = "tracking/helpers.rs"]
mod helpers;
#[path = "tracking/lifecycle.rs"]
mod lifecycle;
#[path = "tracking/refresh.rs"]
mod refresh;
#[path = "tracking/statuses_doc.rs"]
mod statuses_doc;
#[path = "tracking/webhooks.rs"]
mod webhooks;
