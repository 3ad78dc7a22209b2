//! Building blocks shared by the four simulated carriers.

pub mod accounts;
pub mod carrier;
pub mod clock;
pub mod faults;
pub mod fields;
pub mod form;
pub mod gate;
pub mod hash;
pub mod pdf;
pub mod png;
pub mod ratelimit;
pub mod scenario;
pub mod stats;
pub mod tz;
