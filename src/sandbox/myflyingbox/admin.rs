//! Admin hooks: scenario changes and the order listing.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::state::SandboxState;

pub fn set_scenario(state: &SandboxState, id: &str, account: Option<&str>, scenario: Scenario) -> usize {
    let Ok(id) = Uuid::parse_str(id) else {
        return 0;
    };
    let mut data = state.mfb.lock();
    match data.orders.get_mut(&id).filter(|o| account.is_none_or(|a| a == o.account)) {
        Some(order) => {
            order.scenario = scenario;
            1
        }
        None => 0,
    }
}

pub fn list(state: &SandboxState) -> Vec<Value> {
    let now = state.clock.now();
    let data = state.mfb.lock();
    let mut orders: Vec<_> = data.orders.values().collect();
    orders.sort_by_key(|o| o.created_at);
    orders
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "account": o.account,
                "quote_id": o.quote_id,
                "scenario": o.scenario.name(),
                "state": super::lifecycle::order_state(o, now),
                "created_at": o.created_at.to_rfc3339(),
            })
        })
        .collect()
}
