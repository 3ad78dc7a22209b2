//! My Flying Box wire types, exactly as the carrier sends them.

use serde::Deserialize;

/// Every answer: `{status, self, data, count, error}`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub status: String,
    #[serde(rename = "self", default)]
    pub self_url: Option<String>,
    #[serde(default = "Option::default")]
    pub data: Option<T>,
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub error: Option<WireError>,
}

#[derive(Debug, Deserialize)]
pub struct WireError {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub message: Option<String>,
    /// Only with 422 `resource_not_created`; free-form, may change.
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}
