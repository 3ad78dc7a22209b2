use serde::{Deserialize, Serialize};

use crate::carriers::credentials::{CredentialShape, mask_secret, require_text};
use crate::error::FieldError;

/// The API token generated in the Ecotrack merchant account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub api_token: String,
}

impl CredentialShape for Credentials {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require_text(&mut errors, "api_token", &self.api_token, 500);
        errors
    }

    fn masked(&self) -> serde_json::Value {
        serde_json::json!({"api_token": mask_secret(&self.api_token)})
    }

    fn secrets(&self) -> Vec<String> {
        vec![self.api_token.clone()]
    }
}
