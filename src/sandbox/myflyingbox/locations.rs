//! Relay points (delivery) and drop-off points, generated deterministically
//! from the product and the searched postal code. A location `code` reads
//! `{PREFIX}-{COUNTRY}-{POSTALCODE}-{N}` and can be ordered as `recipient.location_code`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use super::catalogue::{Product, product_by_code};
use super::envelope::{SelfUrl, not_found, success};
use crate::sandbox::core::form::parse_pairs;
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::state::SandboxState;

const SHOPS: [&str; 5] =
    ["Tabac de la Gare", "Carrefour City", "Librairie du Centre", "Pressing Saint-Michel", "Fleuriste Les Capucines"];
const STREETS: [&str; 5] =
    ["rue de la République", "avenue Jean Jaurès", "place du Marché", "boulevard Victor Hugo", "rue des Écoles"];

fn brand(product: &Product) -> &'static str {
    match product.carrier_code {
        "ups" => "UPS Access Point",
        "chronopost" => "Relais Pickup",
        "mondial_relay" => "Point Relais Mondial Relay",
        "colissimo" => "Bureau de poste",
        _ => "Point de dépôt",
    }
}

fn compact_postal(postal_code: &str) -> String {
    postal_code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// One location; `index` is 1-based.
pub fn location(product: &Product, country: &str, postal_code: &str, city: &str, index: usize) -> Value {
    let postal = compact_postal(postal_code);
    let seed = stable_hash(&format!("{}{country}{postal}{index}", product.code));
    let shop = SHOPS[(index - 1) % SHOPS.len()];
    let street = STREETS[(seed % STREETS.len() as u64) as usize];
    let number = 1 + seed % 120;
    let latitude = 43.0 + (seed % 5000) as f64 / 1000.0;
    let longitude = 1.0 + ((seed / 5000) % 6000) as f64 / 1000.0;
    let mut opening_hours: Vec<Value> =
        (1..=5).map(|day| json!({"day": day, "hours": "09:00-12:00 15:15-19:00"})).collect();
    opening_hours.push(json!({"day": 6, "hours": "09:00-12:30"}));
    json!({
        "code": format!("{}-{country}-{postal}-{index}", product.location_prefix),
        "company": format!("{} - {shop}", brand(product)),
        "name": shop,
        "street": format!("{number} {street}\n{shop}"),
        "postal_code": postal_code,
        "city": city,
        "country": country,
        "latitude": (latitude * 10000.0).round() / 10000.0,
        "longitude": (longitude * 10000.0).round() / 10000.0,
        "opening_hours": opening_hours,
    })
}

pub fn locations(product: &Product, country: &str, postal_code: &str, city: &str) -> Vec<Value> {
    (1..=5).map(|i| location(product, country, postal_code, city, i)).collect()
}

/// Resolves a location code for this product and country, if it is one the sandbox hands out.
pub fn resolve(product: &Product, country: &str, city: &str, code: &str) -> Option<Value> {
    let mut parts = code.rsplitn(4, '-');
    let index: usize = parts.next()?.parse().ok()?;
    let postal = parts.next()?;
    let code_country = parts.next()?;
    let prefix = parts.next()?;
    let valid =
        prefix == product.location_prefix && code_country == country && (1..=5).contains(&index) && !postal.is_empty();
    valid.then(|| location(product, country, postal, city, index))
}

#[derive(Clone, Copy)]
pub enum LocationKind {
    Delivery,
    DropOff,
}

async fn list(
    state: Arc<SandboxState>,
    account: String,
    self_url: String,
    uri: OriginalUri,
    id: String,
    kind: LocationKind,
) -> Response {
    let data = state.mfb.lock();
    let Some(offer) = Uuid::parse_str(&id).ok().and_then(|id| data.offers.get(&id)).filter(|o| o.account == account)
    else {
        return not_found(&self_url, "Offer");
    };
    let Some(quote) = data.quotes.get(&offer.quote_id) else {
        return not_found(&self_url, "Offer");
    };
    let product = product_by_code(offer.product.code).unwrap_or(offer.product);
    let (applies, place) = match kind {
        LocationKind::Delivery => (product.preset_delivery_location, &quote.recipient),
        LocationKind::DropOff => (product.drop_off, &quote.shipper),
    };
    let query = parse_pairs(uri.0.query().unwrap_or(""));
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, v)| k == &format!("location[{name}]") && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let country = param("country").unwrap_or_else(|| place.country.clone()).to_ascii_uppercase();
    let postal_code = param("postal_code").unwrap_or_else(|| place.postal_code.clone());
    let city = param("city").unwrap_or_else(|| place.city.clone());
    drop(data);
    let found = if applies { locations(product, &country, &postal_code, &city) } else { vec![] };
    success(StatusCode::OK, &self_url, Value::Array(found))
}

pub async fn delivery_locations(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> Response {
    list(state, account, self_url, uri, id, LocationKind::Delivery).await
}

pub async fn drop_off_locations(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> Response {
    list(state, account, self_url, uri, id, LocationKind::DropOff).await
}
