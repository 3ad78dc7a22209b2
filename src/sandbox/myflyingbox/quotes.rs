//! Quotes: validation of the pack list and places, offers from the catalogue.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::catalogue::{self, PRODUCTS, offer_json};
use super::envelope::{SelfUrl, not_created, not_found, success};
use super::filters::OfferFilters;
use super::request::root_object;
use super::store::{MfbData, Offer, Place, Quote, QuoteParcel};
use crate::sandbox::core::fields::{Errors, flag, positive_int, strict_decimal, text};
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::tz::paris_iso;
use crate::sandbox::state::SandboxState;

/// Offers can be ordered for this long (sandbox clock).
pub const OFFER_LIFETIME_HOURS: i64 = 24;
/// Upper bounds of a parcel (also keep price arithmetic far from overflow).
const MAX_WEIGHT_KG: f64 = 1000.0;
const MAX_DIMENSION_CM: u32 = 1000;
const MAX_INSURED_VALUE: f64 = 1_000_000.0;

#[derive(Clone, Debug)]
pub struct QuoteRequest {
    pub shipper: Place,
    pub recipient: Place,
    pub recipient_is_a_company: bool,
    pub parcel_type: String,
    pub parcels: Vec<QuoteParcel>,
    pub filters: OfferFilters,
}

fn place(root: &Value, side: &str, errors: &mut Errors) -> Place {
    let block = root.get(side);
    let field = |name: &str| text(block.and_then(|b| b.get(name)));
    let country = field("country").unwrap_or_default().to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        errors.add(format!("{side}.country"), "must be an ISO 3166-1 alpha-2 code");
    }
    let postal_code = field("postal_code").unwrap_or_default();
    if postal_code.is_empty() {
        errors.add(format!("{side}.postal_code"), "can't be blank (use \"-\" when there is none)");
    }
    let city = field("city").unwrap_or_default();
    if city.is_empty() {
        errors.add(format!("{side}.city"), "can't be blank");
    }
    Place { country, postal_code, city }
}

fn parcel(value: &Value, index: usize, document: bool, errors: &mut Errors) -> QuoteParcel {
    let path = |name: &str| format!("parcels.{index}.{name}");
    let mut dimension = |name: &str| match positive_int(value.get(name)) {
        Ok(Some(n)) if n > MAX_DIMENSION_CM => {
            errors.add(path(name), format!("must be less than or equal to {MAX_DIMENSION_CM}"));
            None
        }
        Ok(Some(n)) => Some(n),
        Ok(None) if document => None,
        Ok(None) => {
            errors.add(path(name), "can't be blank");
            None
        }
        Err(message) => {
            errors.add(path(name), message);
            None
        }
    };
    let length = dimension("length");
    let width = dimension("width");
    let height = dimension("height");
    let weight = match strict_decimal(value.get("weight")) {
        Ok(Some(w)) if w > MAX_WEIGHT_KG => {
            errors.add(path("weight"), format!("must be less than or equal to {MAX_WEIGHT_KG}"));
            0.0
        }
        Ok(Some(w)) if w > 0.0 => w,
        Ok(Some(_)) => {
            errors.add(path("weight"), "must be greater than 0");
            0.0
        }
        Ok(None) => {
            errors.add(path("weight"), "can't be blank");
            0.0
        }
        Err(message) => {
            errors.add(path("weight"), message);
            0.0
        }
    };
    let insured_value = match strict_decimal(value.get("insured_value")) {
        Ok(Some(v)) if v > MAX_INSURED_VALUE => {
            errors.add(path("insured_value"), format!("must be less than or equal to {MAX_INSURED_VALUE}"));
            None
        }
        Ok(v) => v,
        Err(message) => {
            errors.add(path("insured_value"), message);
            None
        }
    };
    let insured_currency = text(value.get("insured_currency"));
    if insured_value.is_some() && insured_currency.is_none() {
        errors.add(path("insured_currency"), "is required when insured_value is given");
    }
    QuoteParcel { length, width, height, weight, insured_value, insured_currency }
}

/// Validates the quote part of a request (also used by orders/automatic).
pub fn parse_quote(root: &Value) -> Result<QuoteRequest, Errors> {
    let mut errors = Errors::default();
    let shipper = place(root, "shipper", &mut errors);
    let recipient = place(root, "recipient", &mut errors);
    let recipient_is_a_company = flag(root.get("recipient").and_then(|r| r.get("is_a_company")))
        .unwrap_or_else(|message| {
            errors.add("recipient.is_a_company", message);
            None
        })
        .unwrap_or(false);
    let items: Vec<Value> = match root.get("parcels") {
        Some(Value::Array(items)) if !items.is_empty() => items.clone(),
        Some(Value::Object(map)) if !map.is_empty() => map.values().cloned().collect(),
        _ => {
            errors.add("parcels", "must contain at least one parcel");
            vec![]
        }
    };
    let first_type = items.first().and_then(|p| text(p.get("type")));
    let parcel_type = text(root.get("parcel_type")).or(first_type.clone()).unwrap_or_else(|| "package".into());
    if parcel_type != "package" && parcel_type != "document" {
        errors.add("parcel_type", "must be package or document");
    }
    if first_type.is_some_and(|t| t != parcel_type) {
        errors.add("parcels.0.type", "must be the same as parcel_type");
    }
    let document = parcel_type == "document";
    if document && items.len() > 1 {
        errors.add("parcels", "a document shipment has exactly one parcel");
    }
    let parcels = items.iter().enumerate().map(|(i, p)| parcel(p, i, document, &mut errors)).collect();
    let filters = OfferFilters::parse(root, &mut errors);
    if errors.is_empty() {
        Ok(QuoteRequest { shipper, recipient, recipient_is_a_company, parcel_type, parcels, filters })
    } else {
        Err(errors)
    }
}

/// Stores a quote and its (filtered, sorted) offers.
pub fn create_quote(
    data: &mut MfbData,
    request: &QuoteRequest,
    account: &str,
    now: DateTime<Utc>,
) -> (Quote, Vec<Offer>) {
    let quote_id = Uuid::new_v4();
    let (from, to) = (&request.shipper.country, &request.recipient.country);
    let (vat_scheme_code, vat_percent) = catalogue::vat_scheme(from, to);
    let documents = request.parcel_type == "document";
    let offers: Vec<Offer> = PRODUCTS
        .iter()
        .filter(|p| p.serves(from, to, documents))
        .map(|product| {
            let price_cents = catalogue::price_cents(product, &request.shipper, &request.recipient, &request.parcels);
            Offer {
                id: Uuid::new_v4(),
                quote_id,
                account: account.to_owned(),
                product,
                price_cents,
                vat_cents: (price_cents as f64 * vat_percent as f64 / 100.0).round() as i64,
                insurance_cents: catalogue::insurance_cents(&request.parcels),
                vat_scheme_code,
                collection_dates: if product.pick_up { catalogue::collection_dates(now) } else { vec![] },
                expires_at: now + Duration::hours(OFFER_LIFETIME_HOURS),
            }
        })
        .collect();
    let offers = request.filters.apply(offers);
    let quote = Quote {
        id: quote_id,
        account: account.to_owned(),
        created_at: now,
        shipper: request.shipper.clone(),
        recipient: request.recipient.clone(),
        recipient_is_a_company: request.recipient_is_a_company,
        parcel_type: request.parcel_type.clone(),
        parcels: request.parcels.clone(),
        offer_ids: offers.iter().map(|o| o.id).collect(),
    };
    for offer in &offers {
        data.offers.insert(offer.id, offer.clone());
    }
    data.quotes.insert(quote.id, quote.clone());
    (quote, offers)
}

/// Numbers as JSON numbers (1 stays 1, 2.5 stays 2.5).
pub fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 { json!(value as i64) } else { json!(value) }
}

pub fn quote_json(quote: &Quote, offers: &[&Offer]) -> Value {
    let parcels: Vec<Value> = quote
        .parcels
        .iter()
        .map(|p| {
            let mut v = json!({"weight": number(p.weight)});
            for (key, dim) in [("length", p.length), ("width", p.width), ("height", p.height)] {
                if let Some(d) = dim {
                    v[key] = json!(d);
                }
            }
            if let Some(value) = p.insured_value {
                v["insured_value"] = number(value);
                v["insured_currency"] = json!(p.insured_currency);
            }
            v
        })
        .collect();
    json!({
        "id": quote.id,
        "created_at": paris_iso(quote.created_at),
        "parcel_type": quote.parcel_type,
        "shipper": {
            "postal_code": quote.shipper.postal_code,
            "city": quote.shipper.city,
            "country": quote.shipper.country,
        },
        "recipient": {
            // The document's examples send this boolean as a string.
            "is_a_company": quote.recipient_is_a_company.to_string(),
            "postal_code": quote.recipient.postal_code,
            "city": quote.recipient.city,
            "country": quote.recipient.country,
        },
        "parcels": parcels,
        "offers": offers.iter().map(|o| offer_json(o)).collect::<Vec<_>>(),
    })
}

fn quote_view(data: &MfbData, quote: &Quote) -> Value {
    let offers: Vec<&Offer> = quote.offer_ids.iter().filter_map(|id| data.offers.get(id)).collect();
    quote_json(quote, &offers)
}

pub async fn post_quote(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match root_object(&headers, &body, "quote").and_then(|root| parse_quote(&root)) {
        Ok(request) => request,
        Err(errors) => {
            return not_created(&self_url, "Quote could not be created", errors.to_json());
        }
    };
    let now = state.clock.now();
    let mut data = state.mfb.lock();
    let (quote, _) = create_quote(&mut data, &request, &account, now);
    let view = quote_view(&data, &quote);
    drop(data);
    success(StatusCode::CREATED, &self_url, view)
}

pub async fn list_quotes(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
) -> Response {
    let data = state.mfb.lock();
    let mut quotes: Vec<&Quote> = data.quotes.values().filter(|q| q.account == account).collect();
    quotes.sort_by_key(|q| std::cmp::Reverse(q.created_at));
    let views: Vec<Value> = quotes.iter().map(|q| quote_view(&data, q)).collect();
    drop(data);
    success(StatusCode::OK, &self_url, Value::Array(views))
}

pub async fn get_quote(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let data = state.mfb.lock();
    let quote = Uuid::parse_str(&id).ok().and_then(|id| data.quotes.get(&id));
    match quote.filter(|q| q.account == account) {
        Some(quote) => {
            let view = quote_view(&data, quote);
            drop(data);
            success(StatusCode::OK, &self_url, view)
        }
        None => not_found(&self_url, "Quote"),
    }
}

pub async fn get_offer(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let data = state.mfb.lock();
    let offer = Uuid::parse_str(&id).ok().and_then(|id| data.offers.get(&id));
    match offer.filter(|o| o.account == account) {
        Some(offer) => success(StatusCode::OK, &self_url, offer_json(offer)),
        None => not_found(&self_url, "Offer"),
    }
}
