//! Faithful simulators of the four carrier APIs (see ../shared/carrier-docs).
//!
//! The sandbox serves My Flying Box v2, e-Courier JSON, Ecotrack and Coursier.fr
//! tracking v3 over real HTTP, quirks included, plus an admin API under
//! `/_sandbox` (clock, accounts, scenarios, faults, rate limits, counters).
//! It shares no types with `crate::carriers`: every answer is built here.
//! docs/sandbox.md is the reference for connector authors.

// Validation and auth helpers return the carrier's ready-made answer as their
// error (one per call): boxing every such Response would only add noise.
#![allow(clippy::result_large_err)]

mod admin;
mod config;
mod core;
mod coursier_fr;
mod credentials;
mod ecotrack;
mod ecourier;
mod myflyingbox;
mod server;
mod state;

pub use config::{EcotrackHeaderStyle, EcotrackLimits, SandboxConfig};
pub use credentials::{
    CoursierFrCredentials, DemoCredentials, EcotrackCredentials, EcourierCredentials, MyFlyingBoxCredentials,
    demo_credentials,
};
pub use server::{RunningSandbox, Sandbox, spawn};
