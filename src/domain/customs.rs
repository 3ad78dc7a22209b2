//! Customs data for parcels that cross a customs border, and the rule that
//! says when they do.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::address::CountryCode;
use super::money::Money;
use super::violation::Violations;

/// The European Union customs union, plus Monaco which travels with France.
/// French overseas departments (GP, MQ, GF, RE, YT) are outside it.
const CUSTOMS_UNION: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "MC",
];

/// Whether goods going from one country to another need customs documents.
pub fn crosses_customs_border(from: CountryCode, to: CountryCode) -> bool {
    let inside = |c: CountryCode| CUSTOMS_UNION.contains(&c.as_str());
    from != to && !(inside(from) && inside(to))
}

/// What customs need to know about one parcel's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": {"amount": "15.35", "currency": "EUR"}, "description": "Books", "country_of_origin": "FR"}))]
pub struct Customs {
    /// Value of the content, as on the commercial invoice.
    pub value: Money,
    /// What the parcel contains (e.g. "Books", "Clothes").
    pub description: String,
    pub country_of_origin: CountryCode,
}

impl Customs {
    pub fn check(&self, path: &str, v: &mut Violations) {
        v.required_text(&format!("{path}.description"), &self.description, 200);
        if self.value.amount.is_sign_negative() || self.value.amount.is_zero() {
            v.add(format!("{path}.value.amount"), "must be greater than zero");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> CountryCode {
        CountryCode::try_from(code).unwrap()
    }

    #[test]
    fn borders() {
        assert!(!crosses_customs_border(c("FR"), c("FR")));
        assert!(!crosses_customs_border(c("FR"), c("DE")));
        assert!(!crosses_customs_border(c("MC"), c("FR")));
        assert!(crosses_customs_border(c("GB"), c("FR")));
        assert!(crosses_customs_border(c("FR"), c("CH")));
        assert!(crosses_customs_border(c("FR"), c("RE")));
        assert!(!crosses_customs_border(c("DZ"), c("DZ")));
    }
}
