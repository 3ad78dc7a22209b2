//! Admin hooks: scenario changes and the parcel listing.

use serde_json::{Value, json};

use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::state::SandboxState;

pub fn set_scenario(state: &SandboxState, id: &str, account: Option<&str>, scenario: Scenario) -> usize {
    let mut data = state.ecotrack.lock();
    match data.parcels.get_mut(id).filter(|p| account.is_none_or(|a| a == p.account)) {
        Some(parcel) => {
            parcel.scenario = scenario;
            1
        }
        None => 0,
    }
}

pub fn list(state: &SandboxState) -> Vec<Value> {
    let now = state.clock.now();
    let data = state.ecotrack.lock();
    let mut parcels: Vec<_> = data.parcels.values().collect();
    parcels.sort_by_key(|p| p.order_id);
    parcels
        .iter()
        .map(|p| {
            json!({
                "id": p.tracking,
                "account": p.account,
                "scenario": p.scenario.name(),
                "state": super::lifecycle::progress(p, now).0,
                "created_at": p.created_at.to_rfc3339(),
            })
        })
        .collect()
}
