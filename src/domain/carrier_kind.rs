//! The carriers shipgate speaks to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CarrierKind {
    Myflyingbox,
    Ecourier,
    Ecotrack,
    CoursierFr,
}

impl CarrierKind {
    pub const ALL: [CarrierKind; 4] =
        [CarrierKind::Myflyingbox, CarrierKind::Ecourier, CarrierKind::Ecotrack, CarrierKind::CoursierFr];

    pub fn as_str(self) -> &'static str {
        match self {
            CarrierKind::Myflyingbox => "myflyingbox",
            CarrierKind::Ecourier => "ecourier",
            CarrierKind::Ecotrack => "ecotrack",
            CarrierKind::CoursierFr => "coursier_fr",
        }
    }

    /// Human name, as the carrier spells itself.
    pub fn display_name(self) -> &'static str {
        match self {
            CarrierKind::Myflyingbox => "My Flying Box",
            CarrierKind::Ecourier => "e-Courier",
            CarrierKind::Ecotrack => "Ecotrack",
            CarrierKind::CoursierFr => "Coursier.fr",
        }
    }
}

impl fmt::Display for CarrierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown carrier `{0}` (expected one of myflyingbox, ecourier, ecotrack, coursier_fr)")]
pub struct UnknownCarrier(pub String);

impl FromStr for CarrierKind {
    type Err = UnknownCarrier;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CarrierKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownCarrier(s.chars().take(40).collect()))
    }
}
