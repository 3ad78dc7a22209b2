//! e-Courier wire types, exactly as the carrier sends them.

use serde::{Deserialize, Serialize};

/// `{"status": "0", "UserGUID": "{...}"}` from Login and RefreshGUID; errors
/// carry `statusdescription` instead.
#[derive(Debug, Deserialize)]
pub struct StatusAnswer {
    pub status: String,
    #[serde(rename = "UserGUID", default)]
    pub user_guid: Option<String>,
    #[serde(default)]
    pub statusdescription: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LoginRequest<'a> {
    pub website: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}
