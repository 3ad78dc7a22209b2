//! Pickups: a carrier truck ordered to collect booked parcels.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PickupStatus {
    /// Recorded before the (billed) carrier call.
    Requesting,
    /// The carrier took the request; its own reference comes later.
    Requested,
    /// The carrier gave its pickup reference.
    Confirmed,
    Failed,
    /// The request's answer was lost; check with the carrier.
    NeedsAttention,
}

impl PickupStatus {
    pub const ALL: [PickupStatus; 5] = [
        PickupStatus::Requesting,
        PickupStatus::Requested,
        PickupStatus::Confirmed,
        PickupStatus::Failed,
        PickupStatus::NeedsAttention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PickupStatus::Requesting => "requesting",
            PickupStatus::Requested => "requested",
            PickupStatus::Confirmed => "confirmed",
            PickupStatus::Failed => "failed",
            PickupStatus::NeedsAttention => "needs_attention",
        }
    }
}

impl FromStr for PickupStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        PickupStatus::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown pickup status `{s}`"))
    }
}
