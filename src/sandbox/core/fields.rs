//! Lenient readers for JSON fields that clients send as strings or numbers.

use std::collections::BTreeMap;

use serde_json::Value;

/// A non-empty trimmed string, or a number written as text.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// true/false, also as "true"/"false"/"1"/"0" strings or 0/1 numbers.
pub fn flag(value: Option<&Value>) -> Result<Option<bool>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(Some(true)),
        Some(Value::String(s)) => match s.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" | "" => Ok(Some(false)),
            _ => Err("must be true or false".into()),
        },
        Some(_) => Err("must be true or false".into()),
    }
}

/// A strictly positive integer (JSON integer or digits-only string).
pub fn positive_int(value: Option<&Value>) -> Result<Option<u32>, String> {
    let parsed = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) if s.trim().chars().all(|c| c.is_ascii_digit()) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match parsed.and_then(|n| u32::try_from(n).ok()) {
        Some(0) => Err("must be greater than 0".into()),
        Some(n) => Ok(Some(n)),
        None => Err("must be a non-zero integer".into()),
    }
}

/// A decimal written with digits and at most one '.' (so "1,400.5" is refused).
pub fn strict_decimal(value: Option<&Value>) -> Result<Option<f64>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| "is not a number".into()),
        Some(Value::String(s)) => {
            let s = s.trim();
            let well_formed = !s.is_empty()
                && s.chars().all(|c| c.is_ascii_digit() || c == '.')
                && s.matches('.').count() <= 1
                && !s.starts_with('.')
                && !s.ends_with('.');
            if well_formed {
                s.parse::<f64>().map(Some).map_err(|_| "is not a number".into())
            } else {
                Err(format!("is not a number: '{s}' (only digits and '.' as decimal separator are allowed)"))
            }
        }
        Some(_) => Err("is not a number".into()),
    }
}

/// Validation messages by attribute path, in the order they are found.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub BTreeMap<String, Vec<String>>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.0).unwrap_or(Value::Null)
    }
}
