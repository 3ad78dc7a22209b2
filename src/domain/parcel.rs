//! Parcels: weight, dimensions, references and customs data.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::customs::Customs;
use super::violation::Violations;

/// A weight in kilograms: positive, at most 1,000 kg, at most 3 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Weight(Decimal);

impl Weight {
    pub const MAX_KG: u32 = 1000;

    pub fn kg(&self) -> Decimal {
        self.0
    }

    pub fn parse(text: &str) -> Result<Weight, String> {
        let t = text.trim();
        let well_formed = !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.matches('.').count() <= 1
            && !t.starts_with('.')
            && !t.ends_with('.');
        let value = well_formed
            .then(|| Decimal::from_str(t).ok())
            .flatten()
            .ok_or_else(|| format!("`{}` is not a weight in kg like 1.5", t.chars().take(30).collect::<String>()))?;
        if value.is_zero() || value > Decimal::from(Self::MAX_KG) {
            return Err(format!("must be more than 0 and at most {} kg", Self::MAX_KG));
        }
        if value.normalize().scale() > 3 {
            return Err("must have at most 3 decimals (grams)".into());
        }
        Ok(Weight(value.normalize()))
    }
}

impl Serialize for Weight {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw<'a> {
            Text(std::borrow::Cow<'a, str>),
            Number(serde_json::Number),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(t) => t.into_owned(),
            Raw::Number(n) => n.to_string(),
        };
        Weight::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Weight {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d+(\.\d{1,3})?$"))
            .examples([serde_json::json!("2.5")])
            .description(Some("Weight in kilograms as a decimal string (a JSON number is accepted too)."))
            .into()
    }
}

impl utoipa::ToSchema for Weight {}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParcelKind {
    #[default]
    Package,
    /// Papers only; one parcel per shipment, dimensions optional.
    Document,
}

/// One parcel of a shipment. Dimensions are whole centimetres.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weight": "2.5", "length": 30, "width": 20, "height": 15, "shipper_reference": "ORDER-1042"}))]
pub struct Parcel {
    pub weight: Weight,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, rename = "type")]
    pub kind: ParcelKind,
    /// Free text about the content (shown to couriers; Ecotrack `produit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The shipper's reference; printed on some labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipper_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_reference: Option<String>,
    /// A third party's (customer's) reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
    /// Required when the route crosses a customs border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs: Option<Customs>,
}

pub const MAX_DIMENSION_CM: u32 = 400;
pub const MAX_PARCELS: usize = 50;

impl Parcel {
    pub fn check(&self, path: &str, v: &mut Violations) {
        for (name, dim) in [("length", self.length), ("width", self.width), ("height", self.height)] {
            match dim {
                Some(d) if d == 0 || d > MAX_DIMENSION_CM => {
                    v.add(format!("{path}.{name}"), format!("must be 1 to {MAX_DIMENSION_CM} cm"))
                }
                None if self.kind == ParcelKind::Package => {
                    v.add(format!("{path}.{name}"), "is required for a package")
                }
                _ => {}
            }
        }
        v.text(&format!("{path}.description"), &self.description, 200);
        for (name, value) in [
            ("shipper_reference", &self.shipper_reference),
            ("recipient_reference", &self.recipient_reference),
            ("customer_reference", &self.customer_reference),
        ] {
            v.text(&format!("{path}.{name}"), value, 60);
        }
        if let Some(customs) = &self.customs {
            customs.check(&format!("{path}.customs"), v);
        }
    }

    /// The same physical parcel (weight and dimensions), whatever its references.
    pub fn same_size(&self, other: &Parcel) -> bool {
        self.weight == other.weight
            && self.length == other.length
            && self.width == other.width
            && self.height == other.height
            && self.kind == other.kind
    }
}

/// Checks a pack list: 1 to 50 parcels, each valid; one parcel for documents.
pub fn check_parcels(parcels: &[Parcel], v: &mut Violations) {
    if parcels.is_empty() || parcels.len() > MAX_PARCELS {
        v.add("parcels", format!("must hold 1 to {MAX_PARCELS} parcels"));
    }
    for (i, p) in parcels.iter().enumerate() {
        p.check(&format!("parcels[{i}]"), v);
    }
    let kinds: std::collections::HashSet<_> = parcels.iter().map(|p| p.kind).collect();
    if kinds.len() > 1 {
        v.add("parcels", "must all be packages or all documents");
    }
    if kinds.contains(&ParcelKind::Document) && parcels.len() > 1 {
        v.add("parcels", "a document shipment has exactly one parcel");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_strictly() {
        assert_eq!(Weight::parse("2.50").unwrap().kg(), Decimal::new(25, 1));
        for bad in ["0", "-1", "1,5", "1e3", "", "1001", "0.0001", "abc"] {
            assert!(Weight::parse(bad).is_err(), "{bad}");
        }
        let w: Weight = serde_json::from_str("12.5").unwrap();
        assert_eq!(serde_json::to_string(&w).unwrap(), "\"12.5\"");
        assert!(serde_json::from_str::<Weight>("true").is_err());
    }

    #[test]
    fn packages_need_dimensions() {
        let p: Parcel = serde_json::from_value(serde_json::json!({"weight": 1})).unwrap();
        let mut v = Violations::default();
        check_parcels(&[p], &mut v);
        assert_eq!(v.0.len(), 3);
        let d: Parcel = serde_json::from_value(serde_json::json!({"weight": "0.5", "type": "document"})).unwrap();
        let mut v = Violations::default();
        check_parcels(&[d.clone(), d], &mut v);
        assert_eq!(v.0.len(), 1);
        assert!(serde_json::from_value::<Parcel>(serde_json::json!({"weight": 1, "type": "pallet"})).is_err());
    }
}
