//! Connectors to the carriers. Each carrier lives in its own folder with its
//! wire types (exactly as the carrier sends them) and `TryFrom` mappings to
//! the domain; wire types never leave their folder. Connectors never touch
//! the database: what they must persist (e.g. a session token) goes through
//! a port handed to them.

pub mod capabilities;
pub mod context;
pub mod credentials;
pub mod error;
pub mod http;
pub mod lenient;
pub mod reference_cache;
pub mod registry;
pub mod session;
pub mod shipping;
pub mod tracking;

pub mod coursier_fr;
pub mod ecotrack;
pub mod ecourier;
pub mod myflyingbox;

use async_trait::async_trait;

use crate::domain::CarrierKind;

pub use capabilities::Capabilities;
pub use context::{CallCtx, Priority};
pub use error::CarrierError;
pub use shipping::ShippingApi;
pub use tracking::TrackingApi;

/// What a successful credential check learned.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Anything worth showing to the user (account name, API version...).
    pub message: Option<String>,
}

/// One carrier account's connector. Operations a carrier lacks keep the
/// default body, which answers `CarrierError::Unsupported`.
#[async_trait]
pub trait Carrier: Send + Sync {
    fn kind(&self) -> CarrierKind;

    fn capabilities(&self) -> Capabilities;

    /// Proves the credentials work with the cheapest authenticated call.
    async fn verify(&self, ctx: &CallCtx) -> Result<Verified, CarrierError>;

    /// Quotes, bookings, labels, pickups…; `None` when the carrier has no shipping API.
    fn shipping(&self) -> Option<&dyn ShippingApi> {
        None
    }

    /// Tracking of parcels; `None` when the carrier has no tracking API yet.
    fn tracking(&self) -> Option<&dyn TrackingApi> {
        None
    }
}
