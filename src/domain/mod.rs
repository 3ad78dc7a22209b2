//! Pure domain types: no I/O. Parse, don't validate: a value of these types is valid.

pub mod carrier_kind;
pub mod ids;
pub mod money;
pub mod webhook;

pub use carrier_kind::CarrierKind;
pub use money::{Currency, Money};
