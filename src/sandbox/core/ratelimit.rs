//! Per-account fixed windows in REAL time (Laravel style: a window opens at its
//! first hit and resets `length` seconds later).

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::carrier::Carrier;
use crate::sandbox::config::{EcotrackHeaderStyle, EcotrackLimits};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateSettings {
    pub ecotrack: EcotrackLimits,
    pub ecotrack_header_style: EcotrackHeaderStyle,
    pub other_limit_per_minute: Option<u32>,
}

#[derive(Clone, Copy, Default)]
struct Window {
    opened_at: u64,
    hits: u32,
}

#[derive(Default)]
struct Windows {
    minute: Window,
    hour: Window,
    day: Window,
}

/// One window as reported in headers.
#[derive(Clone, Copy, Debug)]
pub struct WindowState {
    pub name: &'static str,
    pub limit: u32,
    pub remaining: u32,
    pub reset_at: u64,
}

#[derive(Clone, Debug)]
pub struct RateDecision {
    pub allowed: bool,
    pub retry_after: u64,
    pub windows: Vec<WindowState>,
    pub style: EcotrackHeaderStyle,
    /// False when the carrier is unlimited (no headers at all).
    pub limited: bool,
}

pub struct RateLimiter {
    settings: RwLock<RateSettings>,
    buckets: Mutex<HashMap<(Carrier, String), Windows>>,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl RateLimiter {
    pub fn new(settings: RateSettings) -> Self {
        RateLimiter { settings: RwLock::new(settings), buckets: Mutex::new(HashMap::new()) }
    }

    pub fn settings(&self) -> RateSettings {
        *self.settings.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_settings(&self, settings: RateSettings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
    }

    /// Counts one hit for the account if every window has room.
    pub fn check(&self, carrier: Carrier, account: &str) -> RateDecision {
        let settings = self.settings();
        let limits: Vec<(&'static str, u32, u64)> = match carrier {
            Carrier::Ecotrack => vec![
                ("Minute", settings.ecotrack.per_minute, 60),
                ("Hour", settings.ecotrack.per_hour, 3600),
                ("Day", settings.ecotrack.per_day, 86_400),
            ],
            _ => match settings.other_limit_per_minute {
                Some(limit) => vec![("Minute", limit, 60)],
                None => {
                    return RateDecision {
                        allowed: true,
                        retry_after: 0,
                        windows: vec![],
                        style: settings.ecotrack_header_style,
                        limited: false,
                    };
                }
            },
        };
        let now = unix_now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let windows = buckets.entry((carrier, account.to_owned())).or_default();
        let mut slots = [&mut windows.minute, &mut windows.hour, &mut windows.day];
        for (slot, (_, _, length)) in slots.iter_mut().zip(&limits) {
            if slot.hits == 0 || now >= slot.opened_at + length {
                **slot = Window { opened_at: now, hits: 0 };
            }
        }
        let exhausted: Vec<u64> = slots
            .iter()
            .zip(&limits)
            .filter(|(slot, (_, limit, _))| slot.hits >= *limit)
            .map(|(slot, (_, _, length))| slot.opened_at + length)
            .collect();
        let allowed = exhausted.is_empty();
        if allowed {
            for (slot, _) in slots.iter_mut().zip(&limits) {
                slot.hits += 1;
            }
        }
        let retry_after = exhausted.iter().max().map(|reset| reset.saturating_sub(now).max(1)).unwrap_or(0);
        let windows = slots
            .iter()
            .zip(&limits)
            .map(|(slot, (name, limit, length))| WindowState {
                name,
                limit: *limit,
                remaining: limit.saturating_sub(slot.hits),
                reset_at: slot.opened_at + length,
            })
            .collect();
        RateDecision { allowed, retry_after, windows, style: settings.ecotrack_header_style, limited: true }
    }
}
