//! Who goes next among the calls waiting for one budget in this process:
//! interactive before background, and within a priority, tenants in turn
//! (round-robin), so one tenant's backlog never starves another tenant.

use std::collections::{HashMap, VecDeque};

use crate::carriers::Priority;
use crate::domain::ids::TenantId;

/// Waiters of one priority: a ring of tenants, each with its own FIFO.
struct TenantRing<T> {
    turn: VecDeque<TenantId>,
    waiting: HashMap<TenantId, VecDeque<T>>,
}

impl<T> Default for TenantRing<T> {
    fn default() -> Self {
        TenantRing { turn: VecDeque::new(), waiting: HashMap::new() }
    }
}

impl<T> TenantRing<T> {
    fn push(&mut self, tenant: TenantId, item: T) {
        let queue = self.waiting.entry(tenant).or_default();
        if queue.is_empty() {
            self.turn.push_back(tenant);
        }
        queue.push_back(item);
    }

    fn peek(&self) -> Option<&T> {
        self.turn.front().and_then(|t| self.waiting.get(t)).and_then(|q| q.front())
    }

    fn pop(&mut self) -> Option<T> {
        let tenant = self.turn.pop_front()?;
        let queue = self.waiting.get_mut(&tenant)?;
        let item = queue.pop_front();
        if queue.is_empty() {
            self.waiting.remove(&tenant);
        } else {
            // This tenant had its turn: it goes to the back of the ring.
            self.turn.push_back(tenant);
        }
        item
    }

    fn retain(&mut self, keep: &mut impl FnMut(&T) -> bool) -> Vec<T> {
        let mut removed = Vec::new();
        for queue in self.waiting.values_mut() {
            let (kept, gone): (VecDeque<T>, VecDeque<T>) = queue.drain(..).partition(|item| keep(item));
            *queue = kept;
            removed.extend(gone);
        }
        self.waiting.retain(|_, q| !q.is_empty());
        let waiting = &self.waiting;
        self.turn.retain(|t| waiting.contains_key(t));
        removed
    }

    fn len(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum()
    }
}

pub struct WaitQueue<T> {
    interactive: TenantRing<T>,
    background: TenantRing<T>,
}

impl<T> Default for WaitQueue<T> {
    fn default() -> Self {
        WaitQueue { interactive: TenantRing::default(), background: TenantRing::default() }
    }
}

impl<T> WaitQueue<T> {
    pub fn push(&mut self, priority: Priority, tenant: TenantId, item: T) {
        self.ring_mut(priority).push(tenant, item);
    }

    fn ring_mut(&mut self, priority: Priority) -> &mut TenantRing<T> {
        match priority {
            Priority::Interactive => &mut self.interactive,
            Priority::Background => &mut self.background,
        }
    }

    /// The next waiter to serve and its priority.
    pub fn peek(&self) -> Option<(Priority, &T)> {
        match self.interactive.peek() {
            Some(item) => Some((Priority::Interactive, item)),
            None => self.background.peek().map(|item| (Priority::Background, item)),
        }
    }

    pub fn pop(&mut self) -> Option<T> {
        self.interactive.pop().or_else(|| self.background.pop())
    }

    /// Keeps the waiters `keep` accepts; returns the others.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) -> Vec<T> {
        let mut removed = self.interactive.retain(&mut keep);
        removed.extend(self.background.retain(&mut keep));
        removed
    }

    pub fn len(&self) -> usize {
        self.interactive.len() + self.background.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len_of(&self, priority: Priority) -> usize {
        match priority {
            Priority::Interactive => self.interactive.len(),
            Priority::Background => self.background.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(queue: &mut WaitQueue<&'static str>) -> Vec<&'static str> {
        std::iter::from_fn(|| queue.pop()).collect()
    }

    #[test]
    fn interactive_goes_first_even_when_it_came_last() {
        let (a, b) = (TenantId::new(), TenantId::new());
        let mut q = WaitQueue::default();
        q.push(Priority::Background, a, "bg1");
        q.push(Priority::Background, a, "bg2");
        q.push(Priority::Interactive, b, "int1");
        assert_eq!(q.peek().map(|(p, i)| (p, *i)), Some((Priority::Interactive, "int1")));
        assert_eq!(drain(&mut q), vec!["int1", "bg1", "bg2"]);
    }

    #[test]
    fn tenants_take_turns_within_a_priority() {
        let (a, b, c) = (TenantId::new(), TenantId::new(), TenantId::new());
        let mut q = WaitQueue::default();
        for item in ["a1", "a2", "a3", "a4"] {
            q.push(Priority::Background, a, item);
        }
        q.push(Priority::Background, b, "b1");
        q.push(Priority::Background, b, "b2");
        q.push(Priority::Background, c, "c1");
        assert_eq!(drain(&mut q), vec!["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
    }

    #[test]
    fn a_tenant_arriving_late_is_served_next_round() {
        let (a, b) = (TenantId::new(), TenantId::new());
        let mut q = WaitQueue::default();
        for item in ["a1", "a2", "a3"] {
            q.push(Priority::Background, a, item);
        }
        assert_eq!(q.pop(), Some("a1"));
        q.push(Priority::Background, b, "b1");
        assert_eq!(drain(&mut q), vec!["a2", "b1", "a3"]);
    }

    #[test]
    fn retain_removes_and_returns() {
        let (a, b) = (TenantId::new(), TenantId::new());
        let mut q = WaitQueue::default();
        q.push(Priority::Interactive, a, "a-int");
        q.push(Priority::Background, a, "a-bg");
        q.push(Priority::Background, b, "b-bg");
        let gone = q.retain(|item| !item.starts_with("a-"));
        assert_eq!(gone.len(), 2);
        assert_eq!(q.len(), 1);
        assert_eq!(q.len_of(Priority::Interactive), 0);
        assert_eq!(drain(&mut q), vec!["b-bg"]);
        assert!(q.is_empty());
    }
}
