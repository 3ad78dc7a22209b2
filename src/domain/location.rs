//! One normalized place type for My Flying Box drop-off and delivery relay
//! points and Ecotrack stop desks.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CarrierKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// Where the recipient collects the parcel.
    RelayPoint,
    /// Where the shipper drops the parcel.
    DropOffPoint,
    /// An Ecotrack delivery company's desk in a commune.
    StopDesk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LocationAddress {
    /// Street lines separated by `\n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Region code; for Ecotrack the wilaya code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// Opening hours of one weekday, displayable as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpeningHours {
    /// 1 = Monday … 7 = Sunday.
    pub day: u8,
    /// e.g. `09:00-12:00 15:15-19:00`.
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "MR-FR-31300-1", "carrier": "myflyingbox", "kind": "relay_point", "name": "Tabac de la Gare", "address": {"street": "12 rue de la République", "postal_code": "31300", "city": "Toulouse", "country": "FR"}, "coordinates": {"latitude": 43.6, "longitude": 1.44}, "opening_hours": [{"day": 1, "hours": "09:00-12:00 15:15-19:00"}]}))]
pub struct Location {
    /// What to book with (`options.delivery.location_id`).
    pub id: String,
    pub carrier: CarrierKind,
    pub kind: LocationKind,
    pub name: String,
    pub address: LocationAddress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    #[serde(default)]
    pub opening_hours: Vec<OpeningHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_link: Option<String>,
}
