//! shipgate: one normalized REST API in front of many carrier APIs.
//!
//! Data flows one way: `api -> service -> (store | carriers)`. `domain` depends on
//! nothing; `carriers` never touch the database; `store` never calls a carrier.

pub mod api;
pub mod app;
pub mod carriers;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod domain;
pub mod error;
pub mod public_page;
pub mod ratelimit;
pub mod sandbox;
pub mod service;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod webhooks;
pub mod worker;
