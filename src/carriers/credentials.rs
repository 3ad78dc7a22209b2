//! Carrier credentials: parsed per carrier (shape validated), encrypted at
//! rest, shown back only masked.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::CarrierKind;
use crate::error::FieldError;

use super::{coursier_fr, ecotrack, ecourier, myflyingbox};

#[derive(Debug, Clone)]
pub enum CarrierCredentials {
    Myflyingbox(myflyingbox::credentials::Credentials),
    Ecourier(ecourier::credentials::Credentials),
    Ecotrack(ecotrack::credentials::Credentials),
    CoursierFr(coursier_fr::credentials::Credentials),
}

/// Behaviour each carrier's credential struct provides.
pub trait CredentialShape: Serialize + DeserializeOwned {
    /// Rule checks beyond the JSON shape (non-empty, lengths...).
    fn check(&self) -> Vec<FieldError>;
    /// Non-secret fields as they are, secrets masked.
    fn masked(&self) -> serde_json::Value;
    /// Every secret value, for log redaction.
    fn secrets(&self) -> Vec<String>;
}

fn parse_shape<T: CredentialShape>(value: serde_json::Value) -> Result<T, Vec<FieldError>> {
    if !value.is_object() {
        return Err(vec![FieldError::new("credentials", "must be a JSON object")]);
    }
    let parsed: T = serde_json::from_value(value).map_err(|e| vec![FieldError::new("credentials", e.to_string())])?;
    let problems = parsed.check();
    if problems.is_empty() { Ok(parsed) } else { Err(problems) }
}

impl CarrierCredentials {
    pub fn parse(kind: CarrierKind, value: serde_json::Value) -> Result<Self, Vec<FieldError>> {
        Ok(match kind {
            CarrierKind::Myflyingbox => CarrierCredentials::Myflyingbox(parse_shape(value)?),
            CarrierKind::Ecourier => CarrierCredentials::Ecourier(parse_shape(value)?),
            CarrierKind::Ecotrack => CarrierCredentials::Ecotrack(parse_shape(value)?),
            CarrierKind::CoursierFr => CarrierCredentials::CoursierFr(parse_shape(value)?),
        })
    }

    pub fn kind(&self) -> CarrierKind {
        match self {
            CarrierCredentials::Myflyingbox(_) => CarrierKind::Myflyingbox,
            CarrierCredentials::Ecourier(_) => CarrierKind::Ecourier,
            CarrierCredentials::Ecotrack(_) => CarrierKind::Ecotrack,
            CarrierCredentials::CoursierFr(_) => CarrierKind::CoursierFr,
        }
    }

    fn shape(&self) -> &dyn ErasedShape {
        match self {
            CarrierCredentials::Myflyingbox(c) => c,
            CarrierCredentials::Ecourier(c) => c,
            CarrierCredentials::Ecotrack(c) => c,
            CarrierCredentials::CoursierFr(c) => c,
        }
    }

    pub fn masked(&self) -> serde_json::Value {
        self.shape().masked_value()
    }

    pub fn secrets(&self) -> Vec<String> {
        self.shape().secret_values()
    }

    /// The plaintext that gets encrypted.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.shape().json_bytes()
    }
}

/// Object-safe view of `CredentialShape`.
trait ErasedShape {
    fn masked_value(&self) -> serde_json::Value;
    fn secret_values(&self) -> Vec<String>;
    fn json_bytes(&self) -> Vec<u8>;
}

impl<T: CredentialShape> ErasedShape for T {
    fn masked_value(&self) -> serde_json::Value {
        self.masked()
    }
    fn secret_values(&self) -> Vec<String> {
        self.secrets()
    }
    fn json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("credentials serialize")
    }
}

/// Shows only the last four characters of long secrets, nothing of short ones.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() >= 12 {
        format!("****{}", chars[chars.len() - 4..].iter().collect::<String>())
    } else {
        "****".to_owned()
    }
}

/// Checks a required text field: present, not blank, bounded.
pub fn require_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(format!("credentials.{field}"), "must not be empty"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(format!("credentials.{field}"), format!("must be at most {max} characters")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validates_shape_per_carrier() {
        assert!(CarrierCredentials::parse(CarrierKind::Ecotrack, json!({"api_token": "abc"})).is_ok());
        assert!(CarrierCredentials::parse(CarrierKind::Ecotrack, json!({"api_token": ""})).is_err());
        assert!(CarrierCredentials::parse(CarrierKind::Ecotrack, json!({"token": "abc"})).is_err());
        assert!(CarrierCredentials::parse(CarrierKind::Myflyingbox, json!({"login": "a"})).is_err());
        assert!(CarrierCredentials::parse(CarrierKind::CoursierFr, json!("text")).is_err());
    }

    #[test]
    fn masks_secrets() {
        let c = CarrierCredentials::parse(
            CarrierKind::Myflyingbox,
            json!({"login": "shop", "password": "correct-horse-battery"}),
        )
        .unwrap();
        assert_eq!(c.masked(), json!({"login": "shop", "password": "****tery"}));
        assert_eq!(mask_secret("short"), "****");
    }
}
