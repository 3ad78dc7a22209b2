//! Prefixed, typed identifiers (`shp_…`, `trk_…`): a UUIDv7 in the database,
//! rendered as prefix + 26 lowercase Crockford base32 characters in the API.
//! UUIDv7 keeps ids time-ordered, which cursor pagination relies on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Encodes 128 bits as 26 base32 characters (the first carries the top 3 bits).
pub fn encode_base32(value: u128) -> String {
    let mut out = [0u8; 26];
    let mut v = value;
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    String::from_utf8(out.to_vec()).expect("alphabet is ascii")
}

/// Decodes what [`encode_base32`] produced; `None` for anything else.
pub fn decode_base32(text: &str) -> Option<u128> {
    if text.len() != 26 {
        return None;
    }
    let mut value: u128 = 0;
    for (i, c) in text.bytes().enumerate() {
        let digit = ALPHABET.iter().position(|&a| a == c.to_ascii_lowercase())? as u128;
        // The first character may only carry 3 bits (26 * 5 = 130 > 128).
        if i == 0 && digit > 7 {
            return None;
        }
        value = (value << 5) | digit;
    }
    Some(value)
}

/// Error for a string that is not a valid id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid {kind} id (expected `{prefix}_` followed by 26 characters)")]
pub struct InvalidId {
    pub kind: &'static str,
    pub prefix: &'static str,
    pub input: String,
}

macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}_{}", $prefix, encode_base32(self.0.as_u128()))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let invalid = || InvalidId { kind: $kind, prefix: $prefix, input: s.chars().take(80).collect() };
                let rest = s
                    .strip_prefix($prefix)
                    .and_then(|r| r.strip_prefix('_'))
                    .ok_or_else(invalid)?;
                decode_base32(rest).map(|v| Self(Uuid::from_u128(v))).ok_or_else(invalid)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(concat!("^", $prefix, "_[0-9a-hjkmnp-tv-z]{26}$")))
                    .examples([serde_json::json!(concat!($prefix, "_01jd8x5g2k3m4n5p6q7r8s9t0v"))])
                    .description(Some(concat!("Identifier of a ", $kind, ".")))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

define_id!(TenantId, "ten", "tenant");
define_id!(ApiKeyId, "key", "API key");
define_id!(CarrierAccountId, "ca", "carrier account");
define_id!(OfferId, "ofr", "offer");
define_id!(QuoteId, "quo", "quote");
define_id!(ShipmentId, "shp", "shipment");
define_id!(PickupId, "pck", "pickup");
define_id!(TrackerId, "trk", "tracker");
define_id!(TrackingEventId, "tev", "tracking event");
define_id!(WebhookId, "wh", "webhook endpoint");
define_id!(EventId, "evt", "event");
define_id!(DeliveryId, "dlv", "webhook delivery");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        for _ in 0..100 {
            let id = ShipmentId::new();
            let text = id.to_string();
            assert!(text.starts_with("shp_"));
            assert_eq!(text.len(), 30);
            assert_eq!(text.parse::<ShipmentId>().unwrap(), id);
        }
        let max = ShipmentId(Uuid::from_u128(u128::MAX));
        assert_eq!(max.to_string().parse::<ShipmentId>().unwrap(), max);
    }

    #[test]
    fn rejects_other_kinds_and_garbage() {
        let id = ShipmentId::new().to_string();
        assert!(id.parse::<TrackerId>().is_err());
        assert!("shp_".parse::<ShipmentId>().is_err());
        assert!("shp_zzzzzzzzzzzzzzzzzzzzzzzzzz".parse::<ShipmentId>().is_err());
        assert!("shp_0000000000000000000000000u".parse::<ShipmentId>().is_err());
        assert!("shp_é0000000000000000000000000".parse::<ShipmentId>().is_err());
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let a = TrackerId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = TrackerId::new();
        assert!(a.to_string() < b.to_string());
    }
}
