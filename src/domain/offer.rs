//! Offers: one carrier service's price and conditions for a quoted shipment,
//! and the filters and sort a merchant applies to a list of them.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CarrierKind;
use super::ids::{CarrierAccountId, OfferId, QuoteId};
use super::money::Money;

/// Prices as the carrier splits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceBreakdown {
    pub before_tax: Money,
    /// Absent when the carrier gives only a total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
    pub total: Money,
}

/// When the parcel should arrive: a duration range in hours, or a time window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeliveryEstimate {
    /// Hours after collection (e.g. My Flying Box `delay` "24-48").
    Hours { min_hours: u32, max_hours: u32 },
    /// A promised window (e.g. e-Courier ready and due times).
    Window { from: DateTime<Utc>, to: DateTime<Utc> },
}

impl DeliveryEstimate {
    /// Hours until the latest promised delivery, counted from `now`.
    pub fn latest_hours(&self, now: DateTime<Utc>) -> i64 {
        match self {
            DeliveryEstimate::Hours { max_hours, .. } => i64::from(*max_hours),
            DeliveryEstimate::Window { to, .. } => (*to - now).num_hours().max(0),
        }
    }

    /// Parses My Flying Box's `delay`: "24" or "48-72" (hours).
    pub fn from_delay(text: &str) -> Option<DeliveryEstimate> {
        let mut parts = text.trim().splitn(2, '-').map(|p| p.trim().parse::<u32>());
        let min = parts.next()?.ok()?;
        let max = match parts.next() {
            Some(max) => max.ok()?,
            None => min,
        };
        (min <= max).then_some(DeliveryEstimate::Hours { min_hours: min, max_hours: max })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryType {
    /// To the recipient's address.
    Home,
    /// To a relay point or stop desk, where the recipient collects it.
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    /// The carrier collects at the shipper's address.
    Pickup,
    /// The shipper drops the parcel at a carrier point.
    DropOff,
}

/// A date the carrier can collect on, with its booking cutoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CollectionDate {
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
}

/// The carrier's service an offer sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    /// Stable code to book with (e.g. `ups_standard`, `Rush`, `home`).
    pub code: String,
    pub name: String,
    /// The network that carries it (e.g. `dhl` behind My Flying Box).
    pub carrier_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: OfferId,
    pub quote_id: QuoteId,
    pub carrier_account: CarrierAccountId,
    pub carrier: CarrierKind,
    pub service: Service,
    pub price: PriceBreakdown,
    /// Price of ad-valorem insurance (before tax), when a declared value was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_estimate: Option<DeliveryEstimate>,
    pub delivery_type: DeliveryType,
    /// The carrier can collect at the shipper's address.
    pub pickup: bool,
    /// The shipper can drop the parcel at a carrier point.
    pub drop_off: bool,
    /// Book now, order the pickup later (`POST /v1/pickups`).
    pub delayed_pickup: bool,
    /// The carrier collects cash on delivery for the merchant.
    pub cash_on_delivery: bool,
    #[serde(default)]
    pub collection_dates: Vec<CollectionDate>,
    pub expires_at: DateTime<Utc>,
}

impl Offer {
    pub fn collections(&self) -> impl Iterator<Item = Collection> {
        [(self.pickup, Collection::Pickup), (self.drop_off, Collection::DropOff)]
            .into_iter()
            .filter_map(|(on, c)| on.then_some(c))
    }
}

/// Filters on a list of offers. Codes match the service code and the
/// carrier network code (`dhl`) or the carrier itself (`ecotrack`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"carriers": ["ups", "ecotrack"], "delivery_type": "home"}))]
pub struct OfferFilters {
    /// Only these carrier networks (`dhl`, `ups`, `ecourier`, `ecotrack`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carriers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_carriers: Vec<String>,
    /// Only these service codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_services: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_type: Option<DeliveryType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<Collection>,
}

impl OfferFilters {
    pub fn keeps(&self, offer: &Offer) -> bool {
        let network = |codes: &[String]| {
            codes.iter().any(|c| c.eq_ignore_ascii_case(&offer.service.carrier_code) || c == offer.carrier.as_str())
        };
        let service = |codes: &[String]| codes.iter().any(|c| c == &offer.service.code);
        (self.carriers.is_empty() || network(&self.carriers))
            && !network(&self.exclude_carriers)
            && (self.services.is_empty() || service(&self.services))
            && !service(&self.exclude_services)
            && self.delivery_type.is_none_or(|t| t == offer.delivery_type)
            && self.collection.is_none_or(|c| offer.collections().any(|o| o == c))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Total price (offers in other currencies sort after, by amount).
    Price,
    /// Latest promised delivery.
    Speed,
    /// Carrier network, then service.
    Carrier,
    /// Home before relay.
    DeliveryType,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferSort {
    pub by: SortKey,
    #[serde(default)]
    pub order: SortOrder,
}

impl OfferSort {
    fn compare(&self, a: &Offer, b: &Offer, now: DateTime<Utc>) -> Ordering {
        let ordering = match self.by {
            SortKey::Price => (a.price.total.currency.as_str(), a.price.total.amount)
                .cmp(&(b.price.total.currency.as_str(), b.price.total.amount)),
            SortKey::Speed => {
                let hours = |o: &Offer| o.delivery_estimate.as_ref().map_or(i64::MAX, |e| e.latest_hours(now));
                hours(a).cmp(&hours(b))
            }
            SortKey::Carrier => {
                (&a.service.carrier_code, &a.service.code).cmp(&(&b.service.carrier_code, &b.service.code))
            }
            SortKey::DeliveryType => a.delivery_type.cmp(&b.delivery_type),
        };
        match self.order {
            SortOrder::Asc => ordering,
            SortOrder::Desc => ordering.reverse(),
        }
    }

    /// Sorts in place; equal offers keep their order, then cheapest first.
    pub fn apply(&self, offers: &mut [Offer], now: DateTime<Utc>) {
        offers.sort_by(|a, b| self.compare(a, b, now).then_with(|| a.price.total.amount.cmp(&b.price.total.amount)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_parse() {
        assert_eq!(DeliveryEstimate::from_delay("24"), Some(DeliveryEstimate::Hours { min_hours: 24, max_hours: 24 }));
        assert_eq!(
            DeliveryEstimate::from_delay("48-72"),
            Some(DeliveryEstimate::Hours { min_hours: 48, max_hours: 72 })
        );
        assert_eq!(DeliveryEstimate::from_delay("72-48"), None);
        assert_eq!(DeliveryEstimate::from_delay("soon"), None);
    }
}
