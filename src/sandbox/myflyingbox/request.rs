//! Request bodies: JSON (preferred) or Rails-style form fields, as MFB accepts both.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde_json::Value;

use crate::sandbox::core::fields::Errors;
use crate::sandbox::core::form::rails_form_to_json;

/// Parses the body and returns the object under `root` (`quote`, `order`, `pickup`).
pub fn root_object(headers: &HeaderMap, body: &Bytes, root: &str) -> Result<Value, Errors> {
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let text = String::from_utf8_lossy(body);
    let parsed = if content_type.contains("json") {
        serde_json::from_slice::<Value>(body).map_err(|e| e.to_string())
    } else if content_type.contains("form-urlencoded") {
        Ok(rails_form_to_json(&text))
    } else {
        serde_json::from_slice::<Value>(body)
            .or_else(|e| if text.contains('=') { Ok(rails_form_to_json(&text)) } else { Err(e.to_string()) })
    };
    let mut errors = Errors::default();
    match parsed {
        Err(message) => {
            errors.add("body", format!("is not valid JSON: {message}"));
            Err(errors)
        }
        Ok(Value::Object(mut map)) => match map.remove(root) {
            Some(value @ Value::Object(_)) => Ok(value),
            _ => {
                errors.add(root, "is missing (parameters must be wrapped in a root element)");
                Err(errors)
            }
        },
        Ok(_) => {
            errors.add(root, "is missing (parameters must be wrapped in a root element)");
            Err(errors)
        }
    }
}
