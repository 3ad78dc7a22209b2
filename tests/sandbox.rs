//! Black-box tests of the carrier sandbox over real HTTP (one binary).
//! Modules live in tests/sandbox/; fixtures in tests/fixtures/<carrier>/ are
//! the carrier documents' examples, byte for byte.

#[path = "sandbox/common.rs"]
mod common;

#[path = "sandbox/admin.rs"]
mod admin;
#[path = "sandbox/coursier_fr.rs"]
mod coursier_fr;
#[path = "sandbox/ecotrack.rs"]
mod ecotrack;
#[path = "sandbox/ecotrack_limits.rs"]
mod ecotrack_limits;
#[path = "sandbox/ecotrack_lists.rs"]
mod ecotrack_lists;
#[path = "sandbox/ecourier.rs"]
mod ecourier;
#[path = "sandbox/faults.rs"]
mod faults;
#[path = "sandbox/myflyingbox.rs"]
mod myflyingbox;
#[path = "sandbox/myflyingbox_offers.rs"]
mod myflyingbox_offers;
#[path = "sandbox/myflyingbox_orders.rs"]
mod myflyingbox_orders;
#[path = "sandbox/scenarios.rs"]
mod scenarios;
