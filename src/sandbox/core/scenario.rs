//! Scenario names shared by the carriers; each carrier turns one into its own timeline.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    #[default]
    Delivered,
    FailedAttempt,
    Returned,
    RelayPickup,
    Cod,
    Exception,
    Lost,
    Cancelled,
    FailedLoad,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Scenario::Delivered,
        Scenario::FailedAttempt,
        Scenario::Returned,
        Scenario::RelayPickup,
        Scenario::Cod,
        Scenario::Exception,
        Scenario::Lost,
        Scenario::Cancelled,
        Scenario::FailedLoad,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Delivered => "delivered",
            Scenario::FailedAttempt => "failed_attempt",
            Scenario::Returned => "returned",
            Scenario::RelayPickup => "relay_pickup",
            Scenario::Cod => "cod",
            Scenario::Exception => "exception",
            Scenario::Lost => "lost",
            Scenario::Cancelled => "cancelled",
            Scenario::FailedLoad => "failed_load",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// A merchant reference ending in `-sbx-<scenario>` selects the scenario.
    pub fn from_reference(reference: &str) -> Option<Scenario> {
        let (_, suffix) = reference.rsplit_once("-sbx-")?;
        Scenario::parse(suffix.trim())
    }

    /// The first reference of the list that names a scenario.
    pub fn from_references<'a>(references: impl IntoIterator<Item = &'a str>) -> Option<Scenario> {
        references.into_iter().find_map(Scenario::from_reference)
    }
}
