//! JSON parsing with XML semantics: a key repeated in one object (as in the
//! document's QuoteOrder sample, `"Stop": {...}, "Stop": {...}`) means repeated
//! elements, so the values are gathered into an array instead of the last one winning.

use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

pub struct XmlishValue(pub Value);

struct XmlishVisitor;

impl<'de> Visitor<'de> for XmlishVisitor {
    type Value = XmlishValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::Null))
    }

    fn visit_none<E>(self) -> Result<XmlishValue, E> {
        Ok(XmlishValue(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<XmlishValue, A::Error> {
        let mut items = Vec::new();
        while let Some(XmlishValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(XmlishValue(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<XmlishValue, A::Error> {
        let mut object = Map::new();
        let mut repeated: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let XmlishValue(value) = map.next_value()?;
            match object.get_mut(&key) {
                Some(Value::Array(items)) if repeated.contains(&key) => items.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                    repeated.insert(key);
                }
                None => {
                    object.insert(key, value);
                }
            }
        }
        Ok(XmlishValue(Value::Object(object)))
    }
}

impl<'de> Deserialize<'de> for XmlishValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(XmlishVisitor)
    }
}

/// Parses a body; None when it is not JSON (e-Courier status -2).
pub fn parse(body: &[u8]) -> Option<Value> {
    serde_json::from_slice::<XmlishValue>(body).ok().map(|v| v.0)
}

/// A wrapper's items, whether it holds one object or an array of them.
pub fn items(wrapper: Option<&Value>, element: &str) -> Vec<Value> {
    match wrapper.and_then(|w| w.get(element)) {
        Some(Value::Array(list)) => list.clone(),
        Some(Value::Null) | None => vec![],
        Some(single) => vec![single.clone()],
    }
}

/// The e-Courier quirk: one element is sent as an object, several as an array.
pub fn collection(mut items: Vec<Value>) -> Value {
    if items.len() == 1 { items.remove(0) } else { Value::Array(items) }
}
