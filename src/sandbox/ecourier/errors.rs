//! e-Courier status answers: HTTP 500 with status -1..-6, 409 for business refusals.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::sandbox::core::gate::json_response;

pub fn status(http: StatusCode, code: &str, description: &str) -> Response {
    json_response(http, &json!({"status": code, "statusdescription": description}))
}

pub fn undefined(description: &str) -> Response {
    status(StatusCode::INTERNAL_SERVER_ERROR, "-1", description)
}

pub fn unparsable() -> Response {
    status(StatusCode::INTERNAL_SERVER_ERROR, "-2", "Unable to parse JSON")
}

pub fn database_unavailable() -> Response {
    status(StatusCode::INTERNAL_SERVER_ERROR, "-3", "Unable to Connect to Database")
}

pub fn not_performed(description: &str) -> Response {
    status(StatusCode::INTERNAL_SERVER_ERROR, "-4", description)
}

pub fn no_guid() -> Response {
    status(StatusCode::INTERNAL_SERVER_ERROR, "-5", "No UserGUID Received")
}

pub fn no_config(guid: &str) -> Response {
    let description = format!("No config file found: Configuration='{guid}'");
    status(StatusCode::INTERNAL_SERVER_ERROR, "-6", &description)
}

pub fn conflict(description: &str) -> Response {
    status(StatusCode::CONFLICT, "-4", description)
}
