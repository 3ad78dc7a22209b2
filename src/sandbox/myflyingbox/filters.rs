//! `offers_filters` and `offers_sort_attributes`, honoured by quotes and orders/automatic.
//! A `with_*` flag set to false excludes offers whose product has that flag;
//! true (or absent) includes them.

use serde_json::Value;

use super::store::Offer;
use crate::sandbox::core::fields::{Errors, flag};

#[derive(Clone, Debug, Default)]
pub struct OfferFilters {
    with_drop_off: Option<bool>,
    with_pick_up: Option<bool>,
    with_preset_delivery_location: Option<bool>,
    with_carrier_codes: Option<Vec<String>>,
    without_carrier_codes: Vec<String>,
    with_product_codes: Option<Vec<String>>,
    without_product_codes: Vec<String>,
    /// Some(true) = ascending by total price.
    sort_ascending: Option<bool>,
}

fn codes(value: Option<&Value>, field: &str, errors: &mut Errors) -> Option<Vec<String>> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect()),
        Some(Value::String(s)) => Some(s.split(',').map(|c| c.trim().to_owned()).collect()),
        Some(_) => {
            errors.add(format!("offers_filters.{field}"), "must be an array of strings");
            None
        }
    }
}

impl OfferFilters {
    pub fn parse(root: &Value, errors: &mut Errors) -> OfferFilters {
        let mut filters = OfferFilters::default();
        if let Some(f) = root.get("offers_filters").filter(|v| !v.is_null()) {
            let mut read_flag = |name: &str| match flag(f.get(name)) {
                Ok(v) => v,
                Err(message) => {
                    errors.add(format!("offers_filters.{name}"), message);
                    None
                }
            };
            filters.with_drop_off = read_flag("with_drop_off");
            filters.with_pick_up = read_flag("with_pick_up");
            filters.with_preset_delivery_location = read_flag("with_preset_delivery_location");
            filters.with_carrier_codes = codes(f.get("with_carrier_codes"), "with_carrier_codes", errors);
            filters.with_product_codes = codes(f.get("with_product_codes"), "with_product_codes", errors);
            filters.without_carrier_codes =
                codes(f.get("without_carrier_codes"), "without_carrier_codes", errors).unwrap_or_default();
            filters.without_product_codes =
                codes(f.get("without_product_codes"), "without_product_codes", errors).unwrap_or_default();
        }
        if let Some(sort) = root.get("offers_sort_attributes").filter(|v| !v.is_null()) {
            match sort.get("total_price").and_then(Value::as_str) {
                Some("asc") => filters.sort_ascending = Some(true),
                Some("desc") => filters.sort_ascending = Some(false),
                None if sort.as_object().is_some_and(|o| o.is_empty()) => {}
                _ => errors.add("offers_sort_attributes", "only total_price is sortable, with direction asc or desc"),
            }
        }
        filters
    }

    fn keeps(&self, offer: &Offer) -> bool {
        let p = offer.product;
        let excluded_by_flag = (self.with_drop_off == Some(false) && p.drop_off)
            || (self.with_pick_up == Some(false) && p.pick_up)
            || (self.with_preset_delivery_location == Some(false) && p.preset_delivery_location);
        let carrier_ok = self.with_carrier_codes.as_ref().is_none_or(|list| list.iter().any(|c| c == p.carrier_code))
            && !self.without_carrier_codes.iter().any(|c| c == p.carrier_code);
        let product_ok = self.with_product_codes.as_ref().is_none_or(|list| list.iter().any(|c| c == p.code))
            && !self.without_product_codes.iter().any(|c| c == p.code);
        !excluded_by_flag && carrier_ok && product_ok
    }

    /// Filters then sorts (stable: catalogue order breaks ties).
    pub fn apply(&self, offers: Vec<Offer>) -> Vec<Offer> {
        let mut kept: Vec<Offer> = offers.into_iter().filter(|o| self.keeps(o)).collect();
        if let Some(ascending) = self.sort_ascending {
            kept.sort_by_key(|o| {
                let total = o.price_cents + o.vat_cents;
                if ascending { total } else { -total }
            });
        }
        kept
    }
}
