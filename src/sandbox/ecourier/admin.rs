//! Admin hooks: scenario changes and the order listing.

use serde_json::{Value, json};

use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::state::SandboxState;

pub fn set_scenario(state: &SandboxState, id: &str, account: Option<&str>, scenario: Scenario) -> usize {
    let mut data = state.ecourier.lock();
    let mut changed = 0;
    for ((owner, number), order) in data.orders.iter_mut() {
        if number == id && account.is_none_or(|a| a == owner) {
            order.scenario = scenario;
            changed += 1;
        }
    }
    changed
}

pub fn list(state: &SandboxState) -> Vec<Value> {
    let now = state.clock.now();
    let data = state.ecourier.lock();
    let mut orders: Vec<_> = data.orders.values().collect();
    orders.sort_by_key(|o| o.order_id);
    orders
        .iter()
        .map(|o| {
            let steps = super::lifecycle::reached(o, now);
            json!({
                "id": o.number,
                "account": o.account,
                "scenario": o.scenario.name(),
                "state": super::lifecycle::order_status(&steps),
                "created_at": o.created_at.to_rfc3339(),
            })
        })
        .collect()
}
