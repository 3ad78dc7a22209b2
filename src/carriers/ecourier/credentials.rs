use serde::{Deserialize, Serialize};

use crate::carriers::credentials::{CredentialShape, mask_secret, require_text};
use crate::error::FieldError;

/// e-Courier: website plus username/password for Login, or a UserGUID handed
/// out directly by the e-Courier customer (then only RefreshGUID is used).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub website: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_guid: Option<String>,
}

impl CredentialShape for Credentials {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        require_text(&mut errors, "website", &self.website, 200);
        match (&self.username, &self.password, &self.user_guid) {
            (Some(user), Some(password), _) => {
                require_text(&mut errors, "username", user, 200);
                require_text(&mut errors, "password", password, 200);
            }
            (None, None, Some(guid)) => require_text(&mut errors, "user_guid", guid, 100),
            _ => errors.push(FieldError::new(
                "credentials",
                "give `username` and `password`, or a `user_guid` issued by the e-Courier customer",
            )),
        }
        errors
    }

    fn masked(&self) -> serde_json::Value {
        let mut v = serde_json::json!({"website": self.website});
        if let Some(user) = &self.username {
            v["username"] = user.clone().into();
        }
        if let Some(p) = &self.password {
            v["password"] = mask_secret(p).into();
        }
        if let Some(g) = &self.user_guid {
            v["user_guid"] = mask_secret(g).into();
        }
        v
    }

    fn secrets(&self) -> Vec<String> {
        self.password.iter().chain(self.user_guid.iter()).cloned().collect()
    }
}
