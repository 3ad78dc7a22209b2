//! Helpers shared by the sandbox tests.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use shipgate::sandbox::{RunningSandbox, SandboxConfig, spawn};

pub async fn start_with(cfg: SandboxConfig) -> RunningSandbox {
    spawn(cfg, "127.0.0.1:0".parse().expect("address")).await.expect("sandbox starts")
}

pub async fn start() -> RunningSandbox {
    start_with(SandboxConfig::default()).await
}

pub fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; plain HTTP still asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

pub fn fixture(carrier: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{carrier}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn fixture_json(carrier: &str, name: &str) -> Value {
    serde_json::from_str(&fixture(carrier, name)).unwrap_or_else(|e| panic!("{name} is JSON: {e}"))
}

pub async fn advance(sb: &RunningSandbox, seconds: i64) {
    let response = client()
        .post(format!("{}/_sandbox/clock/advance", sb.base_url))
        .json(&json!({"seconds": seconds}))
        .send()
        .await
        .expect("advance");
    assert_eq!(response.status(), 200);
}

pub async fn admin_post(sb: &RunningSandbox, path: &str, body: Value) -> (u16, Value) {
    let r = client().post(format!("{}/_sandbox{path}", sb.base_url)).json(&body).send().await.expect("admin");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn admin_put(sb: &RunningSandbox, path: &str, body: Value) -> (u16, Value) {
    let r = client().put(format!("{}/_sandbox{path}", sb.base_url)).json(&body).send().await.expect("admin");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn admin_get(sb: &RunningSandbox, path: &str) -> Value {
    client().get(format!("{}/_sandbox{path}", sb.base_url)).send().await.expect("admin").json().await.expect("json")
}

pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `expected` exists in `actual` with the same JSON type, recursively
/// (arrays: every element of `actual` against the first element of `expected`).
pub fn assert_same_shape(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let av = a.get(key).unwrap_or_else(|| panic!("missing key {path}.{key} in {actual}"));
                assert_same_shape(ev, av, &format!("{path}.{key}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let Some(first) = e.first() {
                assert!(!a.is_empty(), "{path} is empty, expected items like {first}");
                for (i, item) in a.iter().enumerate() {
                    assert_same_shape(first, item, &format!("{path}[{i}]"));
                }
            }
        }
        (e, a) => assert_eq!(kind(e), kind(a), "type of {path}: expected {e}, got {a}"),
    }
}

/// Keys of a document example that is not valid JSON (trailing commas, single or
/// curly quotes, missing colons): every quoted token followed by ':' or by another quote.
pub fn doc_keys(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut keys = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        let open = chars[i];
        let close = match open {
            '"' => '"',
            '“' => '”',
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(len) = chars[i + 1..].iter().position(|c| *c == close || (open == '“' && *c == '″')) else {
            break;
        };
        let token: String = chars[i + 1..i + 1 + len].iter().collect();
        let mut j = i + 2 + len;
        while j < chars.len() && (chars[j] == ' ' || chars[j] == '\u{a0}') {
            j += 1;
        }
        // Tokens spanning lines come from the document's broken quoting, not keys.
        let plausible = !token.contains(['\n', '“', '"']);
        if plausible && j < chars.len() && (chars[j] == ':' || chars[j] == '“') {
            keys.insert(token);
        }
        i += 2 + len;
    }
    keys
}

/// All object keys of a JSON value, at any depth.
pub fn all_keys(value: &Value) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    keys.insert(k.clone());
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    keys
}

/// The e-Courier samples with straight quotes and the missing colons restored.
pub fn straighten(text: &str) -> String {
    text.replace('\u{a0}', " ").replace("”“", "\": \"").replace(['“', '”', '″'], "\"")
}

/// A PDF whose cross-reference table points at every object it lists.
pub fn assert_valid_pdf(pdf: &[u8]) {
    let text = String::from_utf8_lossy(pdf);
    assert!(text.starts_with("%PDF-") && text.trim_end().ends_with("%%EOF"));
    let start: usize = text
        .rsplit("startxref\n")
        .next()
        .and_then(|t| t.lines().next())
        .and_then(|n| n.parse().ok())
        .expect("startxref");
    assert!(text[start..].starts_with("xref\n"), "startxref points at the xref table");
    let mut lines = text[start..].lines().skip(1);
    let count: usize =
        lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse().ok()).expect("xref size");
    let entries: Vec<&str> = lines.take(count).collect();
    for (number, entry) in entries.iter().enumerate().skip(1) {
        let offset: usize = entry[..10].parse().expect("offset");
        assert!(text[offset..].starts_with(&format!("{number} 0 obj")), "object {number} at {offset}");
    }
}
