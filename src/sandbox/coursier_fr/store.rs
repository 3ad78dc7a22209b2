//! Coursier.fr missions. Mission 9005657 is seeded with the document's example.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::credentials::COURSIER_CLIENT_ID;

#[derive(Clone, Debug)]
pub struct Mission {
    pub account: String,
    pub number: u64,
    pub mission_id: u64,
    pub scenario: Scenario,
    pub created_at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    pub pickup_start: DateTime<Utc>,
    pub pickup_end: DateTime<Utc>,
    pub delivery_start: DateTime<Utc>,
    pub delivery_end: DateTime<Utc>,
    /// The seeded example answers exactly what the document shows, whatever the clock.
    pub frozen: bool,
}

pub struct CoursierData {
    pub missions: Vec<Mission>,
    pub next_number: u64,
    pub next_mission_id: u64,
}

pub struct CoursierStore {
    data: Mutex<CoursierData>,
}

/// The number of the seeded mission of the document's example.
pub const EXAMPLE_MISSION: u64 = 9_005_657;

impl CoursierStore {
    pub fn seeded() -> Self {
        let at =
            DateTime::parse_from_rfc3339("2020-06-26T09:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        let example = Mission {
            account: COURSIER_CLIENT_ID.to_string(),
            number: EXAMPLE_MISSION,
            mission_id: 10_009_999,
            scenario: Scenario::Delivered,
            created_at: at,
            from: "Boutique Georges 5".into(),
            to: "Yann THEBAULT".into(),
            pickup_start: at,
            pickup_end: at,
            delivery_start: at,
            delivery_end: at,
            frozen: true,
        };
        CoursierStore {
            data: Mutex::new(CoursierData {
                missions: vec![example],
                next_number: EXAMPLE_MISSION + 1,
                next_mission_id: 10_010_000,
            }),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, CoursierData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}
