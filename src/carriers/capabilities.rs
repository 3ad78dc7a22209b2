//! What a connector can do, declared once and published on each account.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Capabilities {
    pub quotes: bool,
    pub shipments: bool,
    /// Several shipments in one upstream call.
    pub batch_shipments: bool,
    pub shipment_update: bool,
    pub cancel: bool,
    /// A separate dispatch step after booking (Ecotrack "valid").
    pub dispatch: bool,
    pub labels: bool,
    pub pickups: bool,
    pub drop_off_locations: bool,
    pub delivery_locations: bool,
    pub tracking: bool,
    /// Most tracking numbers one upstream call can refresh.
    pub tracking_batch_size: u16,
    /// One call answers every ongoing parcel of the account (Coursier.fr).
    pub tracks_all_ongoing: bool,
    /// Lists parcels booked outside shipgate.
    pub discovery: bool,
    pub notes: bool,
    pub returns: bool,
}
