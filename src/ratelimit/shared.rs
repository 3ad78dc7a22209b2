//! Read-modify-write of a budget through a `BudgetStore`, retried on
//! compare-and-swap conflicts. Operations on one key are serialized inside
//! this process, so conflicts only come from other replicas; the last known
//! state is cached so an uncontended write costs one round trip.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use super::budget::BudgetState;
use super::spec::WindowSpec;
use super::store::{BudgetStore, StoreError, Versioned};

/// Beyond this many lost races in a row something is wrong (or very hot).
const MAX_ATTEMPTS: usize = 50;

/// Wall-clock milliseconds: the only clock every replica and the carrier share.
pub fn unix_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub struct SharedBudgets {
    store: Arc<dyn BudgetStore>,
    cache: Mutex<HashMap<String, Versioned>>,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl SharedBudgets {
    pub fn new(store: Arc<dyn BudgetStore>) -> Self {
        SharedBudgets { store, cache: Mutex::default(), locks: Mutex::default() }
    }

    pub fn store_name(&self) -> &'static str {
        self.store.name()
    }

    fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(key.to_owned()).or_default().clone()
    }

    fn cached(&self, key: &str) -> Option<Versioned> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    fn remember(&self, key: &str, value: Versioned) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned(), value);
    }

    /// The last state this replica read or wrote, per key (for metrics).
    pub fn snapshot(&self) -> Vec<(String, BudgetState)> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.iter().map(|(k, v)| (k.clone(), v.state.clone())).collect()
    }

    /// Applies `change` (given the state and the current Unix ms) to the
    /// stored budget, creating it from `defaults` when absent. A change that
    /// alters nothing (a "wait") is always computed on freshly loaded state,
    /// so a stale cache can never make a caller wait for nothing.
    pub async fn update<T>(
        &self,
        key: &str,
        defaults: &[WindowSpec],
        mut change: impl FnMut(&mut BudgetState, i64) -> T,
    ) -> Result<T, StoreError> {
        let lock = self.lock_for(key);
        let _serialized = lock.lock().await;
        let mut current = self.cached(key);
        let mut fresh = false;
        if current.is_none() {
            current = self.store.load(key).await?;
            fresh = true;
        }
        for _ in 0..MAX_ATTEMPTS {
            let mut state = match &current {
                Some(v) if !v.state.windows.is_empty() => v.state.clone(),
                _ => BudgetState::from_specs(defaults),
            };
            let out = change(&mut state, unix_ms());
            let unchanged = current.as_ref().is_some_and(|v| v.state == state);
            if unchanged && fresh {
                return Ok(out);
            }
            if !unchanged
                && let Some(version) = self.store.swap(key, current.as_ref().map(|v| v.version), &state).await?
            {
                self.remember(key, Versioned { version, state });
                return Ok(out);
            }
            current = self.store.load(key).await?;
            fresh = true;
            if let Some(v) = &current {
                self.remember(key, v.clone());
            }
        }
        Err(StoreError::Contention(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::store_memory::MemoryBudgetStore;

    const SPEC: [WindowSpec; 1] = [WindowSpec { limit: 5, secs: 60 }];

    #[tokio::test]
    async fn creates_from_defaults_and_writes_through() {
        let store = Arc::new(MemoryBudgetStore::default());
        let budgets = SharedBudgets::new(store.clone());
        budgets.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
        budgets.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
        let stored = store.load("k").await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(stored.state.windows[0].used, 2);
    }

    #[tokio::test]
    async fn a_stale_cache_is_reloaded_on_conflict() {
        let store = Arc::new(MemoryBudgetStore::default());
        let a = SharedBudgets::new(store.clone());
        let b = SharedBudgets::new(store.clone());
        a.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
        b.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
        // `a` still caches version 1: its write conflicts, reloads and lands on top.
        a.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
        assert_eq!(store.load("k").await.unwrap().unwrap().state.windows[0].used, 3);
    }

    #[tokio::test]
    async fn no_change_on_a_stale_cache_is_checked_against_the_store() {
        let store = Arc::new(MemoryBudgetStore::default());
        let a = SharedBudgets::new(store.clone());
        let b = SharedBudgets::new(store.clone());
        a.update("k", &SPEC, |s, _| s.windows[0].used = 5).await.unwrap();
        b.update("k", &SPEC, |s, _| s.windows[0].used = 0).await.unwrap();
        // `a` caches used = 5; the store says 0.
        let seen = a.update("k", &SPEC, |s, _| s.windows[0].used).await.unwrap();
        assert_eq!(seen, 0);
    }

    #[tokio::test]
    async fn concurrent_updates_lose_nothing() {
        let store = Arc::new(MemoryBudgetStore::default());
        let replicas: Vec<Arc<SharedBudgets>> = (0..3).map(|_| Arc::new(SharedBudgets::new(store.clone()))).collect();
        let mut tasks = Vec::new();
        for i in 0..60 {
            let budgets = replicas[i % 3].clone();
            tasks.push(tokio::spawn(async move {
                budgets.update("k", &SPEC, |s, _| s.windows[0].used += 1).await.unwrap();
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(store.load("k").await.unwrap().unwrap().state.windows[0].used, 60);
    }
}
