//! Budgets in this process only: for a single instance without a database
//! (tools, unit tests). Same compare-and-swap contract as the shared stores.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::budget::BudgetState;
use super::store::{BudgetStore, StoreError, Versioned};

#[derive(Default)]
pub struct MemoryBudgetStore {
    budgets: Mutex<HashMap<String, Versioned>>,
}

#[async_trait]
impl BudgetStore for MemoryBudgetStore {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn load(&self, key: &str) -> Result<Option<Versioned>, StoreError> {
        Ok(self.budgets.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned())
    }

    async fn swap(&self, key: &str, expected: Option<i64>, state: &BudgetState) -> Result<Option<i64>, StoreError> {
        let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let current = budgets.get(key).map(|v| v.version);
        if current != expected {
            return Ok(None);
        }
        let version = current.unwrap_or(0) + 1;
        budgets.insert(key.to_owned(), Versioned { version, state: state.clone() });
        Ok(Some(version))
    }
}
