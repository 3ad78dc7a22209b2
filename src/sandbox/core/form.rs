//! `application/x-www-form-urlencoded` decoding, plus Rails-style nesting
//! (`quote[parcels][][weight]=1`) into JSON, as My Flying Box accepts it.

use serde_json::{Map, Value};

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `a=1&b=x+y` into ordered pairs.
pub fn parse_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(part), String::new()),
        })
        .collect()
}

/// Splits `quote[parcels][][weight]` into `["quote", "parcels", "", "weight"]`.
fn key_path(key: &str) -> Vec<String> {
    let (head, rest) = match key.find('[') {
        Some(pos) => (&key[..pos], &key[pos..]),
        None => (key, ""),
    };
    let mut path = vec![head.to_owned()];
    for segment in rest.split('[').skip(1) {
        path.push(segment.trim_end_matches(']').to_owned());
    }
    path
}

fn insert(target: &mut Value, path: &[String], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else { return };
    if rest.is_empty() {
        map.insert(first.clone(), Value::String(value));
        return;
    }
    if rest[0].is_empty() {
        // Array segment: `[]` then maybe a nested key.
        let slot = map.entry(first.clone()).or_insert_with(|| Value::Array(vec![]));
        if !slot.is_array() {
            *slot = Value::Array(vec![]);
        }
        let Value::Array(items) = slot else { return };
        let tail = &rest[1..];
        if tail.is_empty() {
            items.push(Value::String(value));
            return;
        }
        // Rails starts a new element when the last one already has this key.
        let needs_new = match items.last() {
            Some(Value::Object(last)) => last.contains_key(&tail[0]),
            _ => true,
        };
        if needs_new {
            items.push(Value::Object(Map::new()));
        }
        if let Some(last) = items.last_mut() {
            insert(last, tail, value);
        }
        return;
    }
    let child = map.entry(first.clone()).or_insert(Value::Null);
    insert(child, rest, value);
}

/// Turns Rails-style form fields into a JSON object.
pub fn rails_form_to_json(encoded: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in parse_pairs(encoded) {
        insert(&mut root, &key_path(&key), value);
    }
    root
}
