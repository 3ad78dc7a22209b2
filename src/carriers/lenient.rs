//! Serde helpers for carrier answers that are loose about types: numbers sent
//! as strings and back, booleans as "true"/"1", one item where a list is due.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, de};
use serde_json::Value;

/// A string, or a number / boolean written as text; `null` is `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => return Err(de::Error::custom(format!("expected text, got {other}"))),
    })
}

/// Like `opt_text` but required.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_text(d)?.ok_or_else(|| de::Error::custom("expected text, got null"))
}

/// `true`/`false`, also `"true"`, `"1"`, `1`; absent or null is false.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "true" | "1"),
        Some(other) => return Err(de::Error::custom(format!("expected a boolean, got {other}"))),
    })
}

/// A list that may arrive as a single object (XML turned into JSON) or be absent.
pub fn one_or_many<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.into_iter().map(|v| serde_json::from_value(v).map_err(de::Error::custom)).collect()
        }
        Some(single) => serde_json::from_value(single).map(|v| vec![v]).map_err(de::Error::custom),
    }
}

/// A decimal number sent as a JSON number or a string; never through f64 arithmetic.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<rust_decimal::Decimal>, D::Error> {
    match opt_text(d)? {
        None => Ok(None),
        Some(t) if t.trim().is_empty() => Ok(None),
        Some(t) => t.trim().parse().map(Some).map_err(|_| de::Error::custom(format!("`{t}` is not a decimal"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct S {
        #[serde(default, deserialize_with = "opt_text")]
        t: Option<String>,
        #[serde(default, deserialize_with = "flag")]
        f: bool,
        #[serde(default, deserialize_with = "one_or_many")]
        l: Vec<u8>,
    }

    #[test]
    fn loose_values() {
        let s: S = serde_json::from_str(r#"{"t": 24, "f": "true", "l": 3}"#).unwrap();
        assert_eq!((s.t.as_deref(), s.f, s.l), (Some("24"), true, vec![3]));
        let s: S = serde_json::from_str(r#"{"t": null, "l": [1, 2]}"#).unwrap();
        assert_eq!((s.t, s.f, s.l), (None, false, vec![1, 2]));
        assert!(serde_json::from_str::<S>(r#"{"f": {}}"#).is_err());
    }
}
