//! Ecotrack shipping: tariff-based offers (home or stop desk), orders with
//! the commune checked against cached reference data, bulk creation (≤100),
//! update / delete before pickup, dispatch ("valid"), labels, stop desks,
//! notes (maj) and return requests. A lost create answer is found again by
//! our reference in the paged `get/orders` list.

use async_trait::async_trait;
use chrono::{Duration, Utc};
use reqwest::Method;

use super::Ecotrack;
use super::client::{TokenIn, check_success};
use super::mapping::{self, algiers_date, order_fields, wants_desk};
use super::reference::{desk_location, wilaya_of};
use super::wire_orders::{BulkBody, BulkCreated, Created, Note, OrderFields, OrdersPage};
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Safety, UpstreamResponse};
use crate::carriers::shipping::{
    Booked, BookingRequest, CarrierNote, CarrierOffer, Label, LocationQuery, Lookup, OrderRef, ShippingApi,
};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::location::Location;
use crate::domain::quote::QuoteRequest;
use crate::domain::shipment::ShipmentChanges;
use crate::error::FieldError;

const KIND: CarrierKind = CarrierKind::Ecotrack;
/// Most orders one bulk call takes.
pub const BULK_LIMIT: usize = 100;
/// Pages of `get/orders` (40 orders each) scanned to find a lost booking.
const MAX_SCANNED_PAGES: u32 = 25;

fn unreadable(response: &UpstreamResponse, e: impl std::fmt::Display) -> CarrierError {
    CarrierError::bad_response(KIND, format!("unreadable answer ({e}): {}", response.snippet()))
}

/// `success: false` refusals; "Commande introuvable" means the order is unknown.
fn succeeded(response: &UpstreamResponse) -> Result<serde_json::Value, CarrierError> {
    check_success(response).map_err(|e| match e {
        CarrierError::Refused { said, .. } if said.message.as_deref().is_some_and(|m| m.contains("introuvable")) => {
            CarrierError::NotFound { carrier: KIND, what: "this order".into(), said }
        }
        other => other,
    })
}

fn rejected_item(
    message: Option<String>,
    errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
) -> CarrierError {
    let fields = errors
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(f, ms)| ms.into_iter().map(move |m| FieldError::new(f.clone(), m)))
        .collect();
    let said = CarrierSaid { code: Some("422".into()), message, http_status: Some(200) };
    CarrierError::Rejected { carrier: KIND, said, fields }
}

/// One Ecotrack request: where, with which query and form fields.
struct Request<'a> {
    operation: &'static str,
    method: Method,
    path: &'a str,
    query: &'a [(&'a str, &'a str)],
    form: Option<&'a OrderFields>,
}

impl<'a> Request<'a> {
    fn new(operation: &'static str, method: Method, path: &'a str, query: &'a [(&'a str, &'a str)]) -> Self {
        Request { operation, method, path, query, form: None }
    }

    fn form(mut self, fields: &'a OrderFields) -> Self {
        self.form = Some(fields);
        self
    }
}

impl Ecotrack {
    /// The wilaya's tariff (cached); the order exists already, so no failure here is fatal.
    async fn price(
        &self,
        ctx: &CallCtx,
        fields: &OrderFields,
        desk: bool,
    ) -> Option<crate::domain::offer::PriceBreakdown> {
        let fees =
            self.fees(ctx).await.inspect_err(|e| tracing::warn!(error = %e, "Ecotrack fees unavailable")).ok()?;
        mapping::tariff(&fees, fields.code_wilaya.as_deref()?, desk)
    }

    async fn call(
        &self,
        ctx: &CallCtx,
        request: Request<'_>,
        safety: Safety,
    ) -> Result<UpstreamResponse, CarrierError> {
        let mut builder =
            self.client.http.client().request(request.method, self.client.url(request.path)).query(request.query);
        if let Some(fields) = request.form {
            builder = builder.form(fields);
        }
        self.client.send(ctx, request.operation, builder, TokenIn::Header, safety).await
    }

    /// An unsafe call on one order (`?tracking=`), `success: false` mapped.
    async fn on_order(
        &self,
        ctx: &CallCtx,
        operation: &'static str,
        method: Method,
        path: &str,
        order: OrderRef<'_>,
        form: Option<&OrderFields>,
    ) -> Result<serde_json::Value, CarrierError> {
        let query = [("tracking", order.carrier_order_id)];
        let mut request = Request::new(operation, method, path, &query);
        request.form = form;
        let response = self.call(ctx, request, Safety::Unsafe).await?;
        succeeded(&response)
    }
}

#[async_trait]
impl ShippingApi for Ecotrack {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    async fn quote(&self, ctx: &CallCtx, request: &QuoteRequest) -> Result<Vec<CarrierOffer>, CarrierError> {
        let r = &request.recipient;
        if r.country.as_str() != "DZ" || request.shipper.country.as_str() != "DZ" {
            let f = vec![FieldError::new("recipient.country", "Ecotrack ships within Algeria (DZ)")];
            return Err(mapping::rejected("outside Algeria", f));
        }
        let wilaya = wilaya_of(r.state.as_deref()).ok_or_else(|| {
            mapping::rejected(
                "wilaya missing",
                vec![FieldError::new("recipient.state", "must be the wilaya code, 1 to 58")],
            )
        })?;
        if let Some(m) = request.cash_on_delivery.as_ref().filter(|m| m.currency.as_str() != "DZD") {
            let f = vec![FieldError::new("cash_on_delivery.currency", format!("must be DZD, not {}", m.currency))];
            return Err(mapping::rejected("Ecotrack collects dinars", f));
        }
        let (fees, communes) = (self.fees(ctx).await?, self.communes(ctx).await?);
        let has_desk = communes.iter().any(|c| c.has_stop_desk && c.wilaya_id.trim() == wilaya.to_string());
        let fee = fees.livraison.iter().find(|f| f.wilaya_id.trim() == wilaya.to_string());
        Ok(fee.map(|f| mapping::offers(f, has_desk)).unwrap_or_default())
    }

    async fn create_shipment(&self, ctx: &CallCtx, request: &BookingRequest<'_>) -> Result<Booked, CarrierError> {
        let communes = self.communes(ctx).await?;
        let fields = order_fields(request.spec, &request.service, request.carrier_reference, &communes)?;
        let desk = wants_desk(request.spec, &request.service)?;
        let create = Request::new("create_order", Method::POST, "create/order", &[]).form(&fields);
        let response = self.call(ctx, create, Safety::Unsafe).await?;
        let created: Created = serde_json::from_slice(&response.body).map_err(|e| unreadable(&response, e))?;
        match (created.success, created.tracking) {
            (true, Some(tracking)) if !tracking.trim().is_empty() => {
                let mut booked = mapping::booked(tracking, desk, request.spec.parcels.len());
                booked.price = self.price(ctx, &fields, desk).await;
                Ok(booked)
            }
            (true, _) => Err(CarrierError::bad_response(KIND, "order created without a tracking")),
            (false, _) => Err(rejected_item(created.message, None)),
        }
    }

    async fn create_batch(
        &self,
        ctx: &CallCtx,
        requests: &[BookingRequest<'_>],
    ) -> Result<Vec<Result<Booked, CarrierError>>, CarrierError> {
        let communes = self.communes(ctx).await?;
        let mut results: Vec<Option<Result<Booked, CarrierError>>> = Vec::with_capacity(requests.len());
        let mut orders = std::collections::BTreeMap::new();
        let mut wilayas = std::collections::HashMap::new();
        for (i, request) in requests.iter().enumerate() {
            match order_fields(request.spec, &request.service, request.carrier_reference, &communes) {
                Ok(fields) => {
                    wilayas.insert(i, fields.code_wilaya.clone().unwrap_or_default());
                    orders.insert(i.to_string(), fields);
                    results.push(None);
                }
                Err(e) => results.push(Some(Err(e))),
            }
        }
        if !orders.is_empty() {
            let body = BulkBody { orders };
            let builder = self.client.http.client().post(self.client.url("create/orders")).json(&body);
            let response = self.client.send(ctx, "create_orders", builder, TokenIn::Header, Safety::Unsafe).await?;
            let mut answer: BulkCreated =
                serde_json::from_slice(&response.body).map_err(|e| unreadable(&response, e))?;
            let fees = self.fees(ctx).await.ok();
            for (i, slot) in results.iter_mut().enumerate().filter(|(_, s)| s.is_none()) {
                let request = &requests[i];
                *slot = Some(match answer.results.remove(&i.to_string()) {
                    Some(r) if r.success => match r.tracking.filter(|t| !t.trim().is_empty()) {
                        Some(t) => {
                            let desk = wants_desk(request.spec, &request.service)?;
                            let mut booked = mapping::booked(t, desk, request.spec.parcels.len());
                            booked.price = fees.as_ref().and_then(|f| mapping::tariff(f, &wilayas[&i], desk));
                            Ok(booked)
                        }
                        None => Err(CarrierError::bad_response(KIND, "bulk result without a tracking")),
                    },
                    Some(r) => Err(rejected_item(r.message, r.errors)),
                    None => Err(CarrierError::bad_response(KIND, format!("bulk answer lacks result {i}"))),
                });
            }
        }
        Ok(results.into_iter().map(|r| r.expect("every slot filled")).collect())
    }

    async fn find_booking(&self, ctx: &CallCtx, request: &BookingRequest<'_>) -> Result<Lookup, CarrierError> {
        // The list leaves archived orders out: an old intent's absence proves nothing.
        if Utc::now() - request.intent_at > Duration::days(1) {
            return Ok(Lookup::Unsearchable("the order may be archived, and archived orders are not listed"));
        }
        let day = algiers_date(request.intent_at);
        let (start, end) = ((day - Duration::days(1)).to_string(), (day + Duration::days(1)).to_string());
        let ours = request.carrier_reference;
        let mut page = 1u32;
        loop {
            let number = page.to_string();
            let query = [("page", number.as_str()), ("start_date", start.as_str()), ("end_date", end.as_str())];
            let response =
                self.call(ctx, Request::new("find_order", Method::GET, "get/orders", &query), Safety::Safe).await?;
            let listed: OrdersPage = serde_json::from_slice(&response.body).map_err(|e| unreadable(&response, e))?;
            let found = listed
                .data
                .into_iter()
                .find(|o| o.reference.as_deref().is_some_and(|r| r == ours || r.starts_with(&format!("{ours}-"))));
            if let Some(order) = found {
                return Ok(Lookup::Found(Box::new(mapping::listed_booked(order, request.spec.parcels.len()))));
            }
            let last = listed.last_page.unwrap_or(1).max(1);
            if page >= last {
                return Ok(Lookup::Absent);
            }
            if page >= MAX_SCANNED_PAGES {
                return Ok(Lookup::Unsearchable("too many orders around that date to scan"));
            }
            page = listed.current_page.unwrap_or(page).max(page) + 1;
        }
    }

    async fn label(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<Label, CarrierError> {
        let query = [("tracking", order.carrier_order_id)];
        let response =
            self.call(ctx, Request::new("label", Method::GET, "get/order/label", &query), Safety::Safe).await?;
        if response.body.starts_with(b"%PDF") {
            return Ok(Label { content_type: "application/pdf".into(), content: response.body.clone() });
        }
        succeeded(&response)?;
        Err(CarrierError::bad_response(KIND, format!("label answer is not a PDF: {}", response.snippet())))
    }

    async fn cancel(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<(), CarrierError> {
        self.on_order(ctx, "cancel", Method::DELETE, "delete/order", order, None).await.map(|_| ())
    }

    async fn update(&self, ctx: &CallCtx, order: OrderRef<'_>, changes: &ShipmentChanges) -> Result<(), CarrierError> {
        let communes = self.communes(ctx).await?;
        let fields = mapping::changed_fields(
            changes.recipient.as_ref(),
            changes.cash_on_delivery.as_ref(),
            changes.instructions.as_deref(),
            &communes,
        )?;
        self.on_order(ctx, "update", Method::POST, "update/order", order, Some(&fields)).await.map(|_| ())
    }

    async fn dispatch(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<(), CarrierError> {
        self.on_order(ctx, "dispatch", Method::POST, "valid/order", order, None).await.map(|_| ())
    }

    async fn delivery_locations(
        &self,
        ctx: &CallCtx,
        _offer: &str,
        near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        self.stop_desks(ctx, near.state.as_deref()).await
    }

    async fn stop_desks(&self, ctx: &CallCtx, state: Option<&str>) -> Result<Vec<Location>, CarrierError> {
        let wilaya = match state {
            Some(s) => Some(wilaya_of(Some(s)).ok_or_else(|| {
                mapping::rejected("wilaya", vec![FieldError::new("state", "must be a wilaya code, 1 to 58")])
            })?),
            None => None,
        };
        let communes = self.communes(ctx).await?;
        Ok(communes
            .iter()
            .filter(|c| c.has_stop_desk)
            .filter(|c| wilaya.is_none_or(|w| c.wilaya_id.trim() == w.to_string()))
            .map(desk_location)
            .collect())
    }

    async fn add_note(&self, ctx: &CallCtx, order: OrderRef<'_>, text: &str) -> Result<(), CarrierError> {
        let query = [("tracking", order.carrier_order_id), ("content", text)];
        let response =
            self.call(ctx, Request::new("add_note", Method::POST, "add/maj", &query), Safety::Unsafe).await?;
        succeeded(&response).map(|_| ())
    }

    async fn notes(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<Vec<CarrierNote>, CarrierError> {
        let query = [("tracking", order.carrier_order_id)];
        let response = self.call(ctx, Request::new("notes", Method::GET, "get/maj", &query), Safety::Safe).await?;
        let value = succeeded(&response)?;
        let notes: Vec<Note> = serde_json::from_value(value).map_err(|e| unreadable(&response, e))?;
        Ok(notes.into_iter().map(CarrierNote::from).collect())
    }

    async fn request_return(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<(), CarrierError> {
        self.on_order(ctx, "return", Method::POST, "ask/for/order/return", order, None).await.map(|_| ())
    }
}
