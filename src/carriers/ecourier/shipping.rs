//! e-Courier shipping: QuoteOrder per configured service, SaveOrder with our
//! own OrderNumber (so a lost answer is found again with GetJsonOrder, and a
//! repeated SaveOrder updates instead of duplicating), cancellation and
//! changes through SaveOrder (409 when the customer's rules refuse).

use async_trait::async_trait;
use futures_util::future::join_all;

use super::ECourier;
use super::mapping::{self, order_out};
use super::wire::StatusAnswer;
use super::wire_order::{JsonOrderAnswer, OrderBody, OrderNumberBody, OrderOut, QuoteAnswer};
use crate::carriers::error::CarrierSaid;
use crate::carriers::http::{Safety, UpstreamResponse};
use crate::carriers::shipping::{Booked, BookingRequest, CarrierOffer, Lookup, OrderRef, ShippingApi};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::quote::QuoteRequest;
use crate::domain::shipment::{BookingOptions, ServiceChoice, ShipmentChanges, ShipmentSpec};
use crate::error::FieldError;

const KIND: CarrierKind = CarrierKind::Ecourier;

fn unreadable(response: &UpstreamResponse, e: impl std::fmt::Display) -> CarrierError {
    CarrierError::bad_response(KIND, format!("unreadable answer ({e}): {}", response.snippet()))
}

/// SaveOrder answers `{"status": "0", ...}` when it took the order.
fn accepted(response: &UpstreamResponse) -> Result<(), CarrierError> {
    let answer: StatusAnswer = serde_json::from_slice(&response.body).map_err(|e| unreadable(response, e))?;
    if answer.status == "0" {
        return Ok(());
    }
    Err(CarrierError::Rejected {
        carrier: KIND,
        said: CarrierSaid {
            code: Some(answer.status),
            message: answer.statusdescription.or(answer.user_guid),
            http_status: Some(response.status.as_u16()),
        },
        fields: Vec::new(),
    })
}

/// e-Courier prices door to door: both streets are needed.
fn require_streets(request: &QuoteRequest) -> Result<(), CarrierError> {
    let mut fields = Vec::new();
    for (name, a) in [("shipper", &request.shipper), ("recipient", &request.recipient)] {
        if a.street.is_none() {
            fields.push(FieldError::new(format!("{name}.street"), "e-Courier prices door to door: give the street"));
        }
    }
    if fields.is_empty() {
        return Ok(());
    }
    let said = CarrierSaid { message: Some("street addresses are required to price".into()), ..Default::default() };
    Err(CarrierError::Rejected { carrier: KIND, said, fields })
}

impl ECourier {
    /// SaveOrder with the account's UserGUID (renewed once if e-Courier refuses it).
    async fn save(&self, ctx: &CallCtx, operation: &'static str, order: OrderOut) -> Result<(), CarrierError> {
        let body = OrderBody { order };
        self.client
            .with_guid(ctx, |guid| {
                let body = &body;
                async move {
                    let response =
                        self.client.post(ctx, operation, "SaveOrder", Some(&guid), body, Safety::Unsafe).await?;
                    accepted(&response)
                }
            })
            .await
    }

    async fn read_order(&self, ctx: &CallCtx, number: &str, parcels: usize) -> Result<Booked, CarrierError> {
        let body = OrderNumberBody { order_number: number };
        let response = self
            .client
            .with_guid(ctx, |guid| {
                let body = &body;
                async move { self.client.post(ctx, "get_order", "GetJsonOrder", Some(&guid), body, Safety::Safe).await }
            })
            .await?;
        let answer: JsonOrderAnswer = serde_json::from_slice(&response.body).map_err(|e| unreadable(&response, e))?;
        mapping::booked(answer.order, number, parcels, &self.client.settings)
    }

    async fn quote_service(
        &self,
        ctx: &CallCtx,
        spec: &ShipmentSpec,
        service: &str,
    ) -> Result<CarrierOffer, CarrierError> {
        let body = OrderBody { order: order_out(spec, service, None, &self.client.settings) };
        let response = self
            .client
            .with_guid(ctx, |guid| {
                let body = &body;
                async move { self.client.post(ctx, "quote", "QuoteOrder", Some(&guid), body, Safety::Safe).await }
            })
            .await?;
        let answer: QuoteAnswer = serde_json::from_slice(&response.body).map_err(|e| unreadable(&response, e))?;
        mapping::quoted_offer(answer.order, service, &self.client.settings)
    }
}

#[async_trait]
impl ShippingApi for ECourier {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    async fn quote(&self, ctx: &CallCtx, request: &QuoteRequest) -> Result<Vec<CarrierOffer>, CarrierError> {
        require_streets(request)?;
        let spec = ShipmentSpec {
            shipper: request.shipper.clone(),
            recipient: request.recipient.clone(),
            parcels: request.parcels.clone(),
            reference: None,
            options: BookingOptions {
                cash_on_delivery: request.cash_on_delivery,
                declared_value: request.declared_value,
                ..BookingOptions::default()
            },
        };
        // The UserGUID is fetched once (the session store), then the services in parallel.
        self.client.guid(ctx).await?;
        let services = &self.client.settings.services;
        let answers = join_all(services.iter().map(|s| self.quote_service(ctx, &spec, s))).await;
        // A service this customer does not run answers -4: skip it, unless none
        // answers. Anything else (down, throttled, unreadable) fails the quote:
        // a partial list would hide missing services.
        let mut offers = Vec::new();
        let mut refused = None;
        for answer in answers {
            match answer {
                Ok(offer) => offers.push(offer),
                Err(e @ CarrierError::Rejected { .. }) => {
                    tracing::info!(error = %e, "e-Courier service not quoted");
                    refused.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        match (offers.is_empty(), refused) {
            (true, Some(e)) => Err(e),
            _ => Ok(offers),
        }
    }

    async fn create_shipment(&self, ctx: &CallCtx, request: &BookingRequest<'_>) -> Result<Booked, CarrierError> {
        let ServiceChoice::Code(service) = &request.service else {
            return Err(CarrierError::unsupported(KIND, "choosing a service by itself"));
        };
        let number = request.carrier_reference;
        self.save(ctx, "create_order", order_out(request.spec, service, Some(number), &self.client.settings)).await?;
        // SaveOrder says only "received": read the order back for its price.
        match self.read_order(ctx, number, request.spec.parcels.len()).await {
            Ok(booked) => Ok(booked),
            Err(e) => {
                tracing::warn!(error = %e, order = number, "e-Courier order saved but not read back");
                Ok(Booked {
                    carrier_order_id: number.to_owned(),
                    service: Some(mapping::service(service)),
                    tracking_numbers: vec![Some(number.to_owned()); request.spec.parcels.len()],
                    price: None,
                    insurance: None,
                    details: serde_json::json!({}),
                })
            }
        }
    }

    async fn find_booking(&self, ctx: &CallCtx, request: &BookingRequest<'_>) -> Result<Lookup, CarrierError> {
        match self.read_order(ctx, request.carrier_reference, request.spec.parcels.len()).await {
            Ok(booked) => Ok(Lookup::Found(Box::new(booked))),
            Err(CarrierError::NotFound { .. }) => Ok(Lookup::Absent),
            Err(e) => Err(e),
        }
    }

    async fn cancel(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<(), CarrierError> {
        let out = OrderOut {
            order_number: Some(order.carrier_order_id.to_owned()),
            order_status: Some("X"),
            ..OrderOut::default()
        };
        self.save(ctx, "cancel", out).await
    }

    async fn update(&self, ctx: &CallCtx, order: OrderRef<'_>, changes: &ShipmentChanges) -> Result<(), CarrierError> {
        let mut spec = order.spec.clone();
        if let Some(recipient) = &changes.recipient {
            spec.recipient = recipient.clone();
        }
        if let Some(cod) = &changes.cash_on_delivery {
            spec.options.cash_on_delivery = Some(*cod).filter(|m| !m.amount.is_zero());
        }
        if let Some(text) = &changes.instructions {
            spec.options.instructions = Some(text.clone());
        }
        let out = order_out(&spec, order.service_code, Some(order.carrier_order_id), &self.client.settings);
        self.save(ctx, "update", out).await
    }
}
