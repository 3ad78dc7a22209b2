//! shipgate: one normalized REST API in front of many carrier APIs.
//!
//! Data flows one way: `api -> service -> (store | carriers)`. `domain` depends on
//! nothing; `carriers` never touch the database; `store` never calls a carrier.

pub mod sandbox;
