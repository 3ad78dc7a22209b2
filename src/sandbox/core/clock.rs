//! The sandbox clock: real time plus an offset that only moves forward.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

#[derive(Default)]
pub struct SandboxClock {
    offset: Mutex<Duration>,
}

impl SandboxClock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }

    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}
