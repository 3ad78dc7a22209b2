//! Money as an exact decimal with its currency; never a float.
//! On the wire: `{"amount": "12.30", "currency": "EUR"}`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// ISO 4217 currency code, three upper-case letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");
    pub const DZD: Currency = Currency(*b"DZD");

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("validated ascii")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a currency code (expected three letters such as EUR)")]
pub struct InvalidCurrency(pub String);

impl FromStr for Currency {
    type Err = InvalidCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic) {
            let mut code = [0u8; 3];
            for (slot, b) in code.iter_mut().zip(bytes) {
                *slot = b.to_ascii_uppercase();
            }
            Ok(Currency(code))
        } else {
            Err(InvalidCurrency(s.chars().take(20).collect()))
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"amount": "12.30", "currency": "EUR"}))]
pub struct Money {
    /// Decimal string with a dot separator, e.g. "12.30".
    #[serde(with = "decimal_string")]
    #[schema(value_type = String, example = "12.30", pattern = r"^-?\d+(\.\d+)?$")]
    pub amount: Decimal,
    /// ISO 4217 code.
    #[schema(value_type = String, example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Amount from integer minor units (cents), as several carriers send it.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { amount: Decimal::new(minor, 2), currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", decimal_string::format(self.amount), self.currency)
    }
}

/// Serde helpers for a decimal carried as a JSON string (never a float).
pub mod decimal_string {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::str::FromStr;

    /// At least two decimals ("12.30"), more only when the value has them.
    pub fn format(value: Decimal) -> String {
        let mut v = value.normalize();
        if v.scale() < 2 {
            v.rescale(2);
        }
        v.to_string()
    }

    pub fn parse(text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        let valid = !t.is_empty()
            && t.trim_start_matches('-').chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.matches('.').count() <= 1
            && !t.starts_with('.')
            && !t.ends_with('.');
        if !valid {
            return Err(format!("`{}` is not a decimal amount like \"12.30\"", t.chars().take(40).collect::<String>()));
        }
        Decimal::from_str(t).map_err(|e| format!("`{t}` is not a usable amount: {e}"))
    }

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw<'a> {
            Text(std::borrow::Cow<'a, str>),
            Number(serde_json::Number),
        }
        match Raw::deserialize(d)? {
            Raw::Text(t) => parse(&t).map_err(serde::de::Error::custom),
            Raw::Number(n) => Err(serde::de::Error::custom(format!(
                "amount must be a decimal string such as \"{n}\", not a JSON number (floats lose cents)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_two_decimals() {
        let m = Money::new(Decimal::new(123, 1), Currency::EUR);
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"amount":"12.30","currency":"EUR"}"#);
        let m = Money::from_minor(29368, Currency::EUR);
        assert_eq!(serde_json::to_value(m).unwrap()["amount"], "293.68");
        let m = Money::new(Decimal::new(12345, 3), Currency::EUR);
        assert_eq!(serde_json::to_value(m).unwrap()["amount"], "12.345");
    }

    #[test]
    fn parses_strings_and_refuses_floats_and_junk() {
        let m: Money = serde_json::from_str(r#"{"amount":"15.35","currency":"eur"}"#).unwrap();
        assert_eq!(m.amount, Decimal::new(1535, 2));
        assert_eq!(m.currency, Currency::EUR);
        for bad in [
            r#"{"amount":15.35,"currency":"EUR"}"#,
            r#"{"amount":"1,400.5","currency":"EUR"}"#,
            r#"{"amount":"","currency":"EUR"}"#,
            r#"{"amount":"1e5","currency":"EUR"}"#,
            r#"{"amount":"12.30","currency":"EURO"}"#,
            r#"{"amount":"12.30","currency":"E1R"}"#,
        ] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
        }
    }
}
