use serde::{Deserialize, Serialize};

use crate::carriers::credentials::{CredentialShape, mask_secret, require_text};
use crate::error::FieldError;

/// HTTP Basic login and password of the My Flying Box API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

impl CredentialShape for Credentials {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require_text(&mut errors, "login", &self.login, 200);
        require_text(&mut errors, "password", &self.password, 200);
        errors
    }

    fn masked(&self) -> serde_json::Value {
        serde_json::json!({"login": self.login, "password": mask_secret(&self.password)})
    }

    fn secrets(&self) -> Vec<String> {
        vec![self.password.clone()]
    }
}
