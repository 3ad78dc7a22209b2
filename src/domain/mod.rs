//! Pure domain types: no I/O. Parse, don't validate: a value of these types is valid.

pub mod address;
pub mod carrier_kind;
pub mod customs;
pub mod ids;
pub mod location;
pub mod money;
pub mod offer;
pub mod parcel;
pub mod pickup;
pub mod public_page;
pub mod quote;
pub mod shipment;
pub mod tracking;
pub mod violation;
pub mod webhook;

pub use carrier_kind::CarrierKind;
pub use money::{Currency, Money};
