//! Postal addresses and contacts. One shape for every carrier: Ecotrack's
//! addresses map onto it with country `DZ`, `state` = wilaya code (1–58) and
//! `city` = commune.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::violation::Violations;

/// ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("validated ascii")
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = String;

    fn try_from(text: &str) -> Result<Self, String> {
        let b = text.trim().as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic) {
            Ok(CountryCode([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
        } else {
            Err(format!(
                "`{}` is not an ISO 3166-1 alpha-2 country code such as FR",
                text.chars().take(20).collect::<String>()
            ))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        CountryCode::try_from(text.as_ref()).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z]{2}$"))
            .examples([serde_json::json!("FR")])
            .description(Some("ISO 3166-1 alpha-2 country code."))
            .into()
    }
}

impl utoipa::ToSchema for CountryCode {}

/// An address with its contact. Quotes need only country, postal code and
/// city; bookings also need a name, a street and a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Jeanne Martin", "company": "Atelier Martin", "street": "15 route de France", "city": "Nice", "postal_code": "06000", "country": "FR", "phone": "+33622123613", "email": "jeanne@example.com"}))]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Street lines separated by `\n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City; for Ecotrack, the commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Postal code; `-` where the address has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Official region code (`CA`, `31`); for Ecotrack, the wilaya code 1–58.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub country: CountryCode,
    /// International format, e.g. `+33123456789` (Ecotrack also takes local `0550…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A business address (some carriers price it differently).
    #[serde(default)]
    pub is_company: bool,
}

/// What an address must carry for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressUse {
    /// Pricing: where from, where to.
    Quote,
    /// Booking: a parcel must reach a person.
    Booking,
    /// Booking to a relay point: the relay's address replaces the street.
    RelayBooking,
}

impl Address {
    /// Checks lengths and the fields `purpose` requires; `path` prefixes field names.
    pub fn check(&self, path: &str, purpose: AddressUse, v: &mut Violations) {
        let f = |name: &str| format!("{path}.{name}");
        v.text(&f("name"), &self.name, 100);
        v.text(&f("company"), &self.company, 100);
        v.text(&f("street"), &self.street, 300);
        v.text(&f("city"), &self.city, 100);
        v.text(&f("postal_code"), &self.postal_code, 20);
        v.text(&f("state"), &self.state, 50);
        v.text(&f("phone"), &self.phone, 30);
        v.text(&f("email"), &self.email, 200);
        if self.city.is_none() {
            v.add(f("city"), "is required");
        }
        if self.postal_code.is_none() && self.country.as_str() != "DZ" {
            v.add(f("postal_code"), "is required (use \"-\" when the address has none)");
        }
        if let Some(phone) = &self.phone
            && !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')'))
        {
            v.add(f("phone"), "may contain only digits, spaces and + . - ( )");
        }
        if let Some(email) = &self.email
            && (!email.contains('@') || email.contains(char::is_whitespace))
        {
            v.add(f("email"), "is not an email address");
        }
        if purpose == AddressUse::Quote {
            return;
        }
        if self.name.is_none() {
            v.add(f("name"), "is required to book");
        }
        if self.phone.is_none() {
            v.add(f("phone"), "is required to book");
        }
        if purpose == AddressUse::Booking && self.street.is_none() {
            v.add(f("street"), "is required to book");
        }
        if self.is_company && self.company.is_none() {
            v.add(f("company"), "is required when is_company is true");
        }
    }

    /// The phone in international form without separators (`+33612…`).
    pub fn compact_phone(&self) -> Option<String> {
        self.phone.as_ref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<Address, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn countries_are_two_letters() {
        assert_eq!(CountryCode::try_from("fr").unwrap().as_str(), "FR");
        assert!(CountryCode::try_from("FRA").is_err());
        assert!(CountryCode::try_from("F1").is_err());
        assert!(parse(serde_json::json!({"country": "France"})).is_err());
        assert!(parse(serde_json::json!({"country": "FR", "unknown": 1})).is_err());
    }

    #[test]
    fn booking_needs_a_contact() {
        let a = parse(serde_json::json!({"country": "FR", "city": "Nice", "postal_code": "06000"})).unwrap();
        let mut v = Violations::default();
        a.check("shipper", AddressUse::Quote, &mut v);
        assert!(v.is_empty());
        a.check("shipper", AddressUse::Booking, &mut v);
        let fields: Vec<_> = v.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["shipper.name", "shipper.phone", "shipper.street"]);
    }

    #[test]
    fn hostile_text_is_refused() {
        let a =
            parse(serde_json::json!({"country": "FR", "city": "Ni\u{0}ce", "postal_code": "", "email": "x"})).unwrap();
        let mut v = Violations::default();
        a.check("recipient", AddressUse::Quote, &mut v);
        assert_eq!(v.0.len(), 3, "{v:?}");
    }
}
