//! Settings of a sandbox instance; every field has a working default.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Fixed-window budgets of one Ecotrack account (production values by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcotrackLimits {
    pub per_minute: u32,
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for EcotrackLimits {
    fn default() -> Self {
        EcotrackLimits { per_minute: 50, per_hour: 1500, per_day: 15000 }
    }
}

/// Which rate-limit headers Ecotrack sends: current hosts send three windows,
/// older hosts only `X-RateLimit-Limit` / `X-RateLimit-Remaining` (per minute).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EcotrackHeaderStyle {
    #[default]
    ThreeWindows,
    Legacy,
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// e-Courier UserGUIDs expire when unused for this long (sandbox clock).
    pub ecourier_guid_ttl: Duration,
    /// My Flying Box labels answer `labels_not_ready` until this much sandbox time passed.
    pub mfb_label_delay: Duration,
    /// My Flying Box pickups get their `supplier_reference` after this much sandbox time.
    pub mfb_pickup_confirm_delay: Duration,
    pub ecotrack_limits: EcotrackLimits,
    pub ecotrack_header_style: EcotrackHeaderStyle,
    /// Per-account per-minute budget for My Flying Box, e-Courier and Coursier.fr; None = unlimited.
    pub other_limit_per_minute: Option<u32>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            ecourier_guid_ttl: Duration::from_secs(20 * 24 * 3600),
            mfb_label_delay: Duration::from_secs(10),
            mfb_pickup_confirm_delay: Duration::from_secs(30 * 60),
            ecotrack_limits: EcotrackLimits::default(),
            ecotrack_header_style: EcotrackHeaderStyle::default(),
            other_limit_per_minute: None,
        }
    }
}
