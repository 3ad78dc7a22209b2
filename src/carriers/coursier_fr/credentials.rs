use serde::{Deserialize, Serialize};

use crate::carriers::credentials::{CredentialShape, mask_secret, require_text};
use crate::error::FieldError;

/// Coursier.fr sends these in every JSON body: user, API key, customer account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub user: String,
    pub api_key: String,
    pub client_id: u64,
}

impl CredentialShape for Credentials {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        // Varchar(32) in the carrier's document.
        require_text(&mut errors, "user", &self.user, 32);
        require_text(&mut errors, "api_key", &self.api_key, 32);
        if self.client_id == 0 {
            errors.push(FieldError::new("credentials.client_id", "must be the customer account number"));
        }
        errors
    }

    fn masked(&self) -> serde_json::Value {
        serde_json::json!({"user": self.user, "api_key": mask_secret(&self.api_key), "client_id": self.client_id})
    }

    fn secrets(&self) -> Vec<String> {
        vec![self.api_key.clone()]
    }
}
