//! Who a carrier call is made for, how urgent it is, and by when it must end.

use std::time::{Duration, Instant};

use crate::domain::ids::{CarrierAccountId, TenantId};

/// Interactive API calls are served before background refresh work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Background = 0,
    Interactive = 1,
}

#[derive(Debug, Clone)]
pub struct CallCtx {
    pub tenant: TenantId,
    pub account: CarrierAccountId,
    pub priority: Priority,
    /// The call (including any wait for upstream budget) must finish by then.
    pub deadline: Instant,
}

impl CallCtx {
    pub const INTERACTIVE_TIMEOUT: Duration = Duration::from_secs(25);
    pub const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(120);

    pub fn interactive(tenant: TenantId, account: CarrierAccountId) -> Self {
        CallCtx {
            tenant,
            account,
            priority: Priority::Interactive,
            deadline: Instant::now() + Self::INTERACTIVE_TIMEOUT,
        }
    }

    pub fn background(tenant: TenantId, account: CarrierAccountId) -> Self {
        CallCtx { tenant, account, priority: Priority::Background, deadline: Instant::now() + Self::BACKGROUND_TIMEOUT }
    }

    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = deadline;
        self
    }

    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}
