//! Quotes: one request fanned out concurrently to the tenant's quoting
//! accounts, each with its own deadline. A carrier that fails adds an entry
//! to `errors`; the others' offers are still answered. Offers are stored with
//! their expiry and what booking them needs.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::carrier_accounts::account_config;
use super::shipping_support::invalid;
use crate::carriers::registry;
use crate::carriers::shipping::CarrierOffer;
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, OfferId, QuoteId, TenantId};
use crate::domain::offer::{Offer, OfferSort, SortKey, SortOrder};
use crate::domain::quote::{MAX_QUOTE_ACCOUNTS, QuoteRequest};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::store::carrier_accounts::{self as accounts, CarrierAccountRow};
use crate::store::offers::{self as rows, NewOffer};

pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);
pub const MAX_DEADLINE: Duration = Duration::from_secs(25);

/// One carrier's failure within a quote.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuoteError {
    pub carrier_account: CarrierAccountId,
    pub carrier: CarrierKind,
    /// The problem this carrier's answer maps to (`carrier_unavailable`, `carrier_rejected`...).
    #[schema(value_type = Problem)]
    pub error: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quote {
    pub id: QuoteId,
    pub offers: Vec<Offer>,
    /// Carriers that did not answer with offers, and why.
    pub errors: Vec<QuoteError>,
    pub created_at: DateTime<Utc>,
}

/// What is stored with each offer: the offer, and what booking it needs back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfferRecord {
    pub offer: Offer,
    pub carrier_offer_id: Option<String>,
    pub request: QuoteRequest,
}

pub struct QuoteAsk {
    pub request: QuoteRequest,
    /// Accounts to ask; empty: every account of the tenant that quotes.
    pub accounts: Vec<CarrierAccountId>,
    pub deadline: Duration,
}

fn problem_json(error: ApiError) -> serde_json::Value {
    serde_json::to_value::<Problem>(error.to_problem()).unwrap_or_default()
}

async fn quoting_accounts(
    state: &AppState,
    tenant: TenantId,
    asked: &[CarrierAccountId],
) -> Result<Vec<CarrierAccountRow>, ApiError> {
    if asked.len() > MAX_QUOTE_ACCOUNTS {
        return Err(ApiError::invalid_field("carrier_accounts", format!("at most {MAX_QUOTE_ACCOUNTS} accounts")));
    }
    if asked.is_empty() {
        let all = accounts::all(&state.db, tenant).await?;
        let quoting: Vec<_> = all
            .into_iter()
            .filter(|a| a.carrier.parse::<CarrierKind>().is_ok_and(|k| registry::capabilities_of(k).quotes))
            .collect();
        if quoting.is_empty() {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "no_quoting_accounts",
                "No account to quote",
                "none of your carrier accounts quotes prices; add one (POST /v1/carrier-accounts)",
            ));
        }
        return Ok(quoting);
    }
    let mut found = Vec::new();
    for id in asked {
        let row =
            accounts::get(&state.db, tenant, *id).await?.ok_or_else(|| ApiError::not_found("carrier account", id))?;
        if !found.iter().any(|r: &CarrierAccountRow| r.id == row.id) {
            found.push(row);
        }
    }
    Ok(found)
}

/// Asks one account, bounded by the deadline whatever happens inside.
async fn ask(
    state: &AppState,
    tenant: TenantId,
    row: &CarrierAccountRow,
    request: &QuoteRequest,
    deadline: Duration,
) -> Result<Vec<CarrierOffer>, ApiError> {
    let config = account_config(state, row)?;
    let connector = registry::build(&config, &state.carriers);
    let shipping = super::shipping_support::shipping(connector.as_ref())?;
    let ctx = CallCtx::interactive(tenant, config.id).with_deadline(Instant::now() + deadline);
    let kind = connector.kind();
    match tokio::time::timeout(deadline + Duration::from_millis(250), shipping.quote(&ctx, request)).await {
        Ok(answer) => answer.map_err(ApiError::from),
        Err(_) => Err(ApiError::from(CarrierError::Unavailable {
            carrier: kind,
            reason: format!("no offers within {} ms", deadline.as_millis()),
            retry_after: None,
            said: Default::default(),
        })),
    }
}

fn to_offer(quote: QuoteId, row: &CarrierAccountRow, kind: CarrierKind, o: CarrierOffer) -> (Offer, Option<String>) {
    let offer = Offer {
        id: OfferId::new(),
        quote_id: quote,
        carrier_account: row.id.into(),
        carrier: kind,
        service: o.service,
        price: o.price,
        insurance: o.insurance,
        delivery_estimate: o.delivery_estimate,
        delivery_type: o.delivery_type,
        pickup: o.pickup,
        drop_off: o.drop_off,
        delayed_pickup: o.delayed_pickup,
        cash_on_delivery: o.cash_on_delivery,
        collection_dates: o.collection_dates,
        expires_at: o.expires_at,
    };
    (offer, o.carrier_offer_id)
}

/// Fans out, ranks, stores. Offer ids are minted in rank order so that a stored quote reads back ranked.
pub async fn quote(state: &AppState, tenant: TenantId, ask_for: QuoteAsk) -> Result<Quote, ApiError> {
    let QuoteAsk { request, accounts, deadline } = ask_for;
    request.check().map_err(invalid)?;
    let rows = quoting_accounts(state, tenant, &accounts).await?;
    let answers = join_all(rows.iter().map(|row| ask(state, tenant, row, &request, deadline))).await;
    let quote_id = QuoteId::new();
    let mut ranked = Vec::new();
    let mut errors = Vec::new();
    for (row, answer) in rows.iter().zip(answers) {
        let kind: CarrierKind = row.carrier.parse().map_err(ApiError::internal)?;
        match answer {
            Ok(offers) => ranked.extend(offers.into_iter().map(|o| to_offer(quote_id, row, kind, o))),
            Err(error) => {
                errors.push(QuoteError { carrier_account: row.id.into(), carrier: kind, error: problem_json(error) })
            }
        }
    }
    ranked.retain(|(o, _)| request.filters.keeps(o));
    let sort = request.sort.unwrap_or(OfferSort { by: SortKey::Price, order: SortOrder::Asc });
    let now = Utc::now();
    let mut offers: Vec<Offer> = ranked.iter().map(|(o, _)| o.clone()).collect();
    sort.apply(&mut offers, now);
    let carrier_ids: std::collections::HashMap<OfferId, Option<String>> =
        ranked.into_iter().map(|(o, c)| (o.id, c)).collect();
    let mut stored = Vec::with_capacity(offers.len());
    for mut offer in offers {
        let carrier_offer_id = carrier_ids.get(&offer.id).cloned().flatten();
        offer.id = OfferId::new();
        stored.push(OfferRecord { offer, carrier_offer_id, request: request.clone() });
    }
    let mut tx = state.db.begin().await?;
    let request_json = serde_json::to_value(&request).map_err(ApiError::internal)?;
    let errors_json = serde_json::to_value(&errors).map_err(ApiError::internal)?;
    let quote_row = rows::insert_quote(&mut tx, quote_id, tenant, &request_json, &errors_json).await?;
    for record in &stored {
        let o = &record.offer;
        let json = serde_json::to_value(record).map_err(ApiError::internal)?;
        rows::insert_offer(
            &mut tx,
            NewOffer {
                id: o.id,
                tenant,
                quote: quote_id,
                account: o.carrier_account,
                carrier: o.carrier.as_str(),
                service_code: &o.service.code,
                currency: o.price.total.currency.as_str(),
                total_price: o.price.total.amount,
                offer: &json,
                expires_at: o.expires_at,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Quote {
        id: quote_id,
        offers: stored.into_iter().map(|r| r.offer).collect(),
        errors,
        created_at: quote_row.created_at,
    })
}

pub fn record_of(row: &rows::OfferRow) -> Result<OfferRecord, ApiError> {
    serde_json::from_value(row.offer.clone()).map_err(ApiError::internal)
}

pub async fn offer(state: &AppState, tenant: TenantId, id: OfferId) -> Result<OfferRecord, ApiError> {
    let row = rows::get_offer(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("offer", id))?;
    record_of(&row)
}

pub async fn get(state: &AppState, tenant: TenantId, id: QuoteId) -> Result<Quote, ApiError> {
    let (quote, offers) =
        rows::get_quote(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("quote", id))?;
    let offers = offers.iter().map(|o| record_of(o).map(|r| r.offer)).collect::<Result<_, _>>()?;
    let errors = serde_json::from_value(quote.errors).map_err(ApiError::internal)?;
    Ok(Quote { id, offers, errors, created_at: quote.created_at })
}
