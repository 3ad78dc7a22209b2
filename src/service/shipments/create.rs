//! `POST /v1/shipments`: from an offer, from an account and a service code,
//! or with `cheapest` / `fastest`. The same Idempotency-Key resumes the same
//! shipment instead of booking a new one.

use axum::http::StatusCode;
use chrono::Utc;

use super::booking::{self, BookingPlan, Outcome, Recovery, StoredRequest, attention_error, lease, stored_error};
use super::{Shipment, ShipmentPrice, view_one};
use crate::carriers::{CallCtx, ShippingApi};
use crate::domain::address::Address;
use crate::domain::ids::{CarrierAccountId, OfferId, ShipmentId, TenantId};
use crate::domain::offer::{DeliveryType, OfferFilters, OfferSort, SortKey, SortOrder};
use crate::domain::parcel::Parcel;
use crate::domain::quote::QuoteRequest;
use crate::domain::shipment::{BookingOptions, ServiceChoice, ShipmentSpec, ShipmentStatus};
use crate::error::ApiError;
use crate::service::quotes::{self, OfferRecord, QuoteAsk};
use crate::service::shipping_support::{
    StoredError, carrier_reference, connector, invalid, is_unique_violation, shipping,
};
use crate::state::AppState;
use crate::store::shipment_queries;
use crate::store::shipments::{self as machine, NewIntent, ShipmentRow};

pub struct NewShipment {
    pub offer: Option<OfferId>,
    pub carrier_account: Option<CarrierAccountId>,
    /// A service code, `cheapest` or `fastest`.
    pub service: Option<String>,
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Option<Vec<Parcel>>,
    pub reference: Option<String>,
    pub options: BookingOptions,
    /// Narrows `cheapest` / `fastest`.
    pub filters: OfferFilters,
}

/// What to book, resolved.
struct Target {
    account: CarrierAccountId,
    plan: BookingPlan,
    offer: Option<OfferId>,
    price: Option<ShipmentPrice>,
    spec: ShipmentSpec,
}

fn unprocessable(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, "Cannot book this", detail)
}

fn same_place(a: &Address, b: &Address) -> bool {
    let norm = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    a.country == b.country && norm(&a.postal_code) == norm(&b.postal_code)
}

fn price_of(record: &OfferRecord, insured: bool) -> ShipmentPrice {
    ShipmentPrice { breakdown: record.offer.price.clone(), insurance: record.offer.insurance.filter(|_| insured) }
}

/// Booking an offer: the shipment must be the one that was quoted.
fn from_offer(record: OfferRecord, input: NewShipment) -> Result<Target, ApiError> {
    let offer = &record.offer;
    if offer.expires_at <= Utc::now() {
        return Err(unprocessable(
            "offer_expired",
            format!("offer {} expired at {}; ask a new quote", offer.id, offer.expires_at),
        ));
    }
    if input.carrier_account.is_some_and(|a| a != offer.carrier_account) {
        return Err(unprocessable("offer_mismatch", "carrier_account differs from the offer's account"));
    }
    let quoted = &record.request;
    if !same_place(&input.shipper, &quoted.shipper) || !same_place(&input.recipient, &quoted.recipient) {
        return Err(unprocessable(
            "offer_mismatch",
            "shipper and recipient must keep the quoted country and postal code; ask a new quote to change them",
        ));
    }
    let parcels = input.parcels.unwrap_or_else(|| quoted.parcels.clone());
    let same =
        parcels.len() == quoted.parcels.len() && parcels.iter().zip(&quoted.parcels).all(|(a, b)| a.same_size(b));
    if !same {
        return Err(unprocessable(
            "offer_mismatch",
            "parcels must be the quoted ones (count, order, weight and dimensions)",
        ));
    }
    let wants_relay = input.options.delivery.kind == DeliveryType::Relay;
    if wants_relay != (offer.delivery_type == DeliveryType::Relay) {
        let detail = if wants_relay {
            "this offer delivers to the door: options.delivery.type must be home"
        } else {
            "this offer delivers to a relay point: set options.delivery {\"type\": \"relay\", \"location_id\": ...} (see the offer's delivery-locations)"
        };
        return Err(unprocessable("offer_mismatch", detail));
    }
    if input.options.delayed_pickup && !offer.delayed_pickup {
        return Err(unprocessable("offer_mismatch", "this offer does not support delayed pickup"));
    }
    let spec = ShipmentSpec {
        shipper: input.shipper,
        recipient: input.recipient,
        parcels,
        reference: input.reference,
        options: input.options,
    };
    Ok(Target {
        account: offer.carrier_account,
        price: Some(price_of(&record, spec.options.insurance)),
        plan: BookingPlan {
            service: offer.service.code.clone(),
            carrier_offer_id: record.carrier_offer_id.clone(),
            filters: OfferFilters::default(),
        },
        offer: Some(offer.id),
        spec,
    })
}

/// `cheapest` / `fastest` across accounts: quote (stored, like any quote), take the best.
async fn pick(
    state: &AppState,
    tenant: TenantId,
    spec: &ShipmentSpec,
    accounts: Vec<CarrierAccountId>,
    choice: &ServiceChoice,
    filters: &OfferFilters,
) -> Result<OfferRecord, ApiError> {
    let by = if *choice == ServiceChoice::Fastest { SortKey::Speed } else { SortKey::Price };
    let mut filters = filters.clone();
    filters.delivery_type.get_or_insert(spec.options.delivery.kind);
    let request = QuoteRequest {
        shipper: spec.shipper.clone(),
        recipient: spec.recipient.clone(),
        parcels: spec.parcels.clone(),
        cash_on_delivery: spec.options.cash_on_delivery,
        declared_value: spec.options.declared_value,
        filters,
        sort: Some(OfferSort { by, order: SortOrder::Asc }),
    };
    let quote =
        quotes::quote(state, tenant, QuoteAsk { request, accounts, deadline: quotes::DEFAULT_DEADLINE }).await?;
    let best = quote.offers.iter().find(|o| !spec.options.delayed_pickup || o.delayed_pickup).ok_or_else(|| {
        unprocessable(
            "no_matching_offer",
            format!("no offer matches this shipment and its filters ({} carrier error(s))", quote.errors.len()),
        )
        .with_extra("quote_id", serde_json::json!(quote.id.to_string()))
    })?;
    quotes::offer(state, tenant, best.id).await
}

async fn resolve(state: &AppState, tenant: TenantId, input: NewShipment) -> Result<Target, ApiError> {
    if let Some(offer) = input.offer {
        let record = quotes::offer(state, tenant, offer).await?;
        return from_offer(record, input);
    }
    let parcels = input
        .parcels
        .clone()
        .ok_or_else(|| ApiError::invalid_field("parcels", "is required unless booking an offer"))?;
    let service = input.service.as_deref().ok_or_else(|| {
        ApiError::invalid_field(
            "service",
            "give offer_id, or service (a code, `cheapest` or `fastest`) with carrier_account",
        )
    })?;
    let choice = ServiceChoice::parse(service);
    let spec = ShipmentSpec {
        shipper: input.shipper.clone(),
        recipient: input.recipient.clone(),
        parcels,
        reference: input.reference.clone(),
        options: input.options.clone(),
    };
    spec.check().map_err(invalid)?;
    let carrier_picks = match (&choice, input.carrier_account) {
        (ServiceChoice::Cheapest, Some(account)) => {
            let (_, carrier) = connector(state, tenant, account).await?;
            shipping(carrier.as_ref())?.picks_cheapest_itself()
        }
        _ => false,
    };
    let account = match (&choice, input.carrier_account) {
        (ServiceChoice::Code(_), Some(account)) => account,
        (ServiceChoice::Code(_), None) => {
            return Err(ApiError::invalid_field("carrier_account", "is required with a service code"));
        }
        // My Flying Box picks the cheapest offer itself, in the booking call.
        (ServiceChoice::Cheapest, Some(account)) if carrier_picks => account,
        (_, account) => {
            let record = pick(state, tenant, &spec, account.into_iter().collect(), &choice, &input.filters).await?;
            return from_offer(record, input);
        }
    };
    // A carrier choosing by itself must keep to the delivery asked for.
    let mut filters = input.filters;
    filters.delivery_type.get_or_insert(spec.options.delivery.kind);
    Ok(Target {
        account,
        plan: BookingPlan { service: service.to_owned(), carrier_offer_id: None, filters },
        offer: None,
        price: None,
        spec,
    })
}

/// Books a new shipment, or resumes the one this Idempotency-Key started.
pub async fn create(
    state: &AppState,
    tenant: TenantId,
    input: NewShipment,
    key: Option<&str>,
) -> Result<(StatusCode, Shipment), ApiError> {
    if let Some(key) = key {
        shipment_queries::forget_old_key(&state.db, tenant, key, crate::store::idempotency::KEY_RETENTION).await?;
        if let Some(existing) = shipment_queries::by_idempotency_key(&state.db, tenant, key).await? {
            return resume(state, existing).await;
        }
    }
    let target = resolve(state, tenant, input).await?;
    target.spec.check().map_err(invalid)?;
    let (account_row, carrier) = connector(state, tenant, target.account).await?;
    let api = shipping(carrier.as_ref())?;
    let id = ShipmentId::new();
    let reference = carrier_reference(id);
    let stored = StoredRequest { spec: target.spec.clone(), booking: target.plan.clone() };
    let request = serde_json::to_value(&stored).map_err(ApiError::internal)?;
    let parcels: Vec<serde_json::Value> =
        target.spec.parcels.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect();
    let price = target.price.as_ref().map(|p| serde_json::to_value(p).unwrap_or_default());
    let mut tx = state.db.begin().await?;
    let inserted = machine::insert_intent(
        &mut tx,
        NewIntent {
            id,
            tenant,
            account: target.account,
            carrier: &account_row.carrier,
            reference: target.spec.reference.as_deref(),
            carrier_reference: &reference,
            service_code: &target.plan.service,
            offer: target.offer,
            request: &request,
            price: price.as_ref(),
            idempotency_key: key,
            parcels: &parcels,
            lease: lease(state),
        },
    )
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if is_unique_violation(&e, "shipments_idempotency") => {
            drop(tx);
            let existing = shipment_queries::by_idempotency_key(&state.db, tenant, key.unwrap_or_default()).await?;
            return resume(state, existing.ok_or_else(|| ApiError::internal(e))?).await;
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    let ctx = CallCtx::interactive(tenant, target.account);
    finish(state, booking::send(state, &ctx, api, &row).await?).await
}

async fn finish(state: &AppState, outcome: Outcome) -> Result<(StatusCode, Shipment), ApiError> {
    match outcome {
        Outcome::Booked(row) => Ok((StatusCode::CREATED, view_one(state, *row).await?)),
        Outcome::Failed(error) => Err(error),
    }
}

/// A retry of a booking (same Idempotency-Key): answer what is known, find a
/// lost booking again, or send it again only when nothing was booked.
pub async fn resume(state: &AppState, row: ShipmentRow) -> Result<(StatusCode, Shipment), ApiError> {
    let status: ShipmentStatus = row.status.parse().map_err(ApiError::internal)?;
    let retryable = row
        .last_error
        .as_ref()
        .and_then(|e| serde_json::from_value::<StoredError>(e.clone()).ok())
        .is_some_and(|e| e.retryable);
    match status {
        ShipmentStatus::Booked | ShipmentStatus::Dispatched | ShipmentStatus::Cancelled => {
            return Ok((StatusCode::CREATED, view_one(state, row).await?));
        }
        ShipmentStatus::NeedsAttention => return Err(attention_error(&row)),
        ShipmentStatus::Failed if !retryable => return Err(stored_error(&row)),
        ShipmentStatus::Failed | ShipmentStatus::Booking => {}
    }
    let (tenant, id) = (TenantId::from(row.tenant_id), ShipmentId::from(row.id));
    let mut tx = state.db.begin().await?;
    let claimed = machine::claim(&mut tx, tenant, id, lease(state)).await?;
    tx.commit().await?;
    let Some(claimed) = claimed else {
        return Err(ApiError::conflict(
            "booking_in_progress",
            format!("shipment {id} is being booked or recovered right now; retry shortly"),
        )
        .with_retry_after(2));
    };
    let (_, carrier) = connector(state, tenant, row.carrier_account_id.into()).await?;
    let api: &dyn ShippingApi = shipping(carrier.as_ref())?;
    let ctx = CallCtx::interactive(tenant, row.carrier_account_id.into());
    if status == ShipmentStatus::Booking {
        match booking::recover(state, &ctx, api, &claimed).await? {
            Recovery::Booked(row) => return Ok((StatusCode::CREATED, view_one(state, row).await?)),
            Recovery::NeedsAttention(row) => return Err(attention_error(&row)),
            Recovery::Unknown(error) => return Err(error),
            // The carrier confirms it has nothing: sending it is the first booking.
            Recovery::Absent => {}
        }
    }
    finish(state, booking::send(state, &ctx, api, &claimed).await?).await
}
