//! The tracking side of a connector. Calls are batched to the most a
//! carrier takes in one request (Ecotrack 100 trackings, Coursier.fr every
//! ongoing mission of the account in one call, one order elsewhere).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::tracking::{StatusMapping, TrackingSnapshot};

/// What the carrier said about one asked number.
#[derive(Debug, Clone)]
pub enum TrackOutcome {
    Found(Box<TrackingSnapshot>),
    /// The carrier does not know this number (yet).
    NotFound,
    /// This one number failed while the others of the batch did not.
    Failed(CarrierError),
}

/// A parcel booked outside shipgate, found by listing the account's parcels.
#[derive(Debug, Clone)]
pub struct DiscoveredParcel {
    pub tracking_number: String,
    /// The merchant's own reference, when the carrier lists it.
    pub reference: Option<String>,
    /// What the listing already says, when it says enough to skip a refresh.
    pub snapshot: Option<Box<TrackingSnapshot>>,
}

fn unsupported<T>(carrier: CarrierKind, operation: &'static str) -> Result<T, CarrierError> {
    Err(CarrierError::unsupported(carrier, operation))
}

#[async_trait]
pub trait TrackingApi: Send + Sync {
    fn carrier(&self) -> CarrierKind;

    /// Most numbers one `track` call takes (1 = one call per order).
    fn batch_size(&self) -> usize;

    /// One call answers every ongoing parcel of the account (Coursier.fr):
    /// the scheduler then calls `track_all_ongoing` once per account.
    fn tracks_all_ongoing(&self) -> bool {
        false
    }

    /// The carrier's published raw status → normalized status table.
    fn status_table(&self) -> &'static [StatusMapping];

    /// Tracks at most `batch_size` numbers: one outcome per number, in order.
    /// An `Err` means the whole call failed (nothing learned).
    async fn track(&self, ctx: &CallCtx, numbers: &[String]) -> Result<Vec<TrackOutcome>, CarrierError>;

    /// Every ongoing parcel of the account in one call.
    async fn track_all_ongoing(&self, _ctx: &CallCtx) -> Result<Vec<TrackingSnapshot>, CarrierError> {
        unsupported(self.carrier(), "tracking of all ongoing parcels")
    }

    /// Parcels of the account created since `since` (booked anywhere).
    async fn discover(&self, _ctx: &CallCtx, _since: DateTime<Utc>) -> Result<Vec<DiscoveredParcel>, CarrierError> {
        unsupported(self.carrier(), "discovery")
    }
}
