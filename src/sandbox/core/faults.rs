//! Faults on demand, drawn from a seeded RNG so runs are reproducible.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::carrier::Carrier;

pub const DEFAULT_SEED: u64 = 0x5eed;

/// Body of `PUT /_sandbox/faults/{carrier}`; omitted fields are zero.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSettings {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub hang_rate: f64,
    pub malformed_rate: f64,
    pub drop_rate: f64,
    pub lose_create_answers: u32,
    pub fail_next: u32,
    pub seed: Option<u64>,
}

impl FaultSettings {
    fn validate(&self) -> Result<(), String> {
        let rates = [
            ("error_rate", self.error_rate),
            ("hang_rate", self.hang_rate),
            ("malformed_rate", self.malformed_rate),
            ("drop_rate", self.drop_rate),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if rates.iter().map(|(_, r)| r).sum::<f64>() > 1.0 + 1e-9 {
            return Err("the sum of the rates must not exceed 1".into());
        }
        Ok(())
    }
}

/// What the gate does to one call before the handler runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    Pass,
    Error,
    Hang,
    Malformed,
    Drop,
}

struct CarrierFaults {
    settings: FaultSettings,
    fail_next_left: u32,
    lose_create_left: u32,
    rng: StdRng,
}

impl CarrierFaults {
    fn new(settings: FaultSettings) -> Self {
        let seed = settings.seed.unwrap_or(DEFAULT_SEED);
        CarrierFaults {
            fail_next_left: settings.fail_next,
            lose_create_left: settings.lose_create_answers,
            rng: StdRng::seed_from_u64(seed),
            settings,
        }
    }
}

#[derive(Default)]
pub struct Faults {
    by_carrier: Mutex<HashMap<Carrier, CarrierFaults>>,
}

impl Faults {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Carrier, CarrierFaults>) -> T) -> T {
        let mut guard = self.by_carrier.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    pub fn set(&self, carrier: Carrier, settings: FaultSettings) -> Result<(), String> {
        settings.validate()?;
        self.with(|m| m.insert(carrier, CarrierFaults::new(settings)));
        Ok(())
    }

    pub fn reset(&self, carrier: Carrier) {
        self.with(|m| m.remove(&carrier));
    }

    pub fn describe(&self) -> Value {
        self.with(|m| {
            let mut out = serde_json::Map::new();
            for carrier in Carrier::ALL {
                let value = match m.get(&carrier) {
                    Some(f) => json!({
                        "settings": f.settings,
                        "fail_next_remaining": f.fail_next_left,
                        "lose_create_answers_remaining": f.lose_create_left,
                    }),
                    None => json!({"settings": FaultSettings::default(),
                        "fail_next_remaining": 0, "lose_create_answers_remaining": 0}),
                };
                out.insert(carrier.name().into(), value);
            }
            Value::Object(out)
        })
    }

    /// Decides the fate of one call: the latency to add and the fault, if any.
    /// `fail_next` wins over the rates; the rates share one RNG draw.
    pub fn decide(&self, carrier: Carrier) -> (Duration, FaultAction) {
        self.with(|m| {
            let Some(f) = m.get_mut(&carrier) else {
                return (Duration::ZERO, FaultAction::Pass);
            };
            let latency = Duration::from_millis(f.settings.latency_ms);
            if f.fail_next_left > 0 {
                f.fail_next_left -= 1;
                return (latency, FaultAction::Error);
            }
            let s = &f.settings;
            let total = s.hang_rate + s.drop_rate + s.error_rate + s.malformed_rate;
            if total <= 0.0 {
                return (latency, FaultAction::Pass);
            }
            let draw: f64 = f.rng.random();
            let action = if draw < s.hang_rate {
                FaultAction::Hang
            } else if draw < s.hang_rate + s.drop_rate {
                FaultAction::Drop
            } else if draw < s.hang_rate + s.drop_rate + s.error_rate {
                FaultAction::Error
            } else if draw < total {
                FaultAction::Malformed
            } else {
                FaultAction::Pass
            };
            (latency, action)
        })
    }

    /// A second RNG draw used to pick between 500 and 503 (Ecotrack).
    pub fn coin(&self, carrier: Carrier) -> bool {
        self.with(|m| m.get_mut(&carrier).map(|f| f.rng.random::<bool>()).unwrap_or(false))
    }

    /// True when this successful create must lose its answer (consumes one unit).
    pub fn take_lost_create(&self, carrier: Carrier) -> bool {
        self.with(|m| match m.get_mut(&carrier) {
            Some(f) if f.lose_create_left > 0 => {
                f.lose_create_left -= 1;
                true
            }
            _ => false,
        })
    }
}
