//! My Flying Box shipping: quotes with pushed-down filters and sort, orders
//! from an offer or automatic (`orders/automatic`), labels (which may not be
//! ready yet), cancellation (PUT), delayed pickups, relay and drop-off points.
//! My Flying Box documents no search by reference: a lost booking answer
//! cannot be recovered automatically.

use async_trait::async_trait;

use super::MyFlyingBox;
use super::mapping::{self, contact, offers_filters, order_parcels, parcel_type, quote_parcels};
use super::wire_extras::{Location as WireLocation, Pickup, PickupAddress, PickupBody, PickupParams};
use super::wire_order::{AutomaticBody, AutomaticParams, Order, OrderBody, OrderParams};
use super::wire_quote::{Place, Quote, QuoteBody, QuoteParams, SortAttributes};
use crate::carriers::http::Safety;
use crate::carriers::shipping::{
    Booked, BookingRequest, CarrierOffer, CarrierPickup, Label, LocationQuery, Lookup, OrderRef, PickupAsk, ShippingApi,
};
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::location::{Location, LocationKind};
use crate::domain::offer::{DeliveryType, OfferFilters, SortKey, SortOrder};
use crate::domain::quote::QuoteRequest;
use crate::domain::shipment::{ServiceChoice, ShipmentSpec};

const KIND: CarrierKind = CarrierKind::Myflyingbox;

/// Ids from the carrier go into URL paths: only uuid-like text is accepted.
fn path_id(id: &str) -> Result<&str, CarrierError> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(id)
    } else {
        Err(CarrierError::NotFound { carrier: KIND, what: format!("`{id}`"), said: Default::default() })
    }
}

fn place<'a>(a: &'a Address, company: Option<bool>) -> Place<'a> {
    Place {
        is_a_company: company,
        country: a.country.as_str(),
        postal_code: a.postal_code.as_deref().unwrap_or("-"),
        city: a.city.as_deref().unwrap_or(""),
    }
}

fn sort_attributes(request: &QuoteRequest) -> Option<SortAttributes> {
    let sort = request.sort.filter(|s| s.by == SortKey::Price)?;
    Some(SortAttributes { total_price: if sort.order == SortOrder::Desc { "desc" } else { "asc" } })
}

fn location_code(spec: &ShipmentSpec) -> Option<&str> {
    (spec.options.delivery.kind == DeliveryType::Relay)
        .then_some(spec.options.delivery.location_id.as_deref())
        .flatten()
}

impl MyFlyingBox {
    async fn order_offer(
        &self,
        ctx: &CallCtx,
        request: &BookingRequest<'_>,
        offer_id: &str,
    ) -> Result<Order, CarrierError> {
        let spec = request.spec;
        let o = &spec.options;
        let mut shipper = contact(&spec.shipper, false);
        shipper.collection_date = o.collection_date.as_deref();
        shipper.collection_instructions = o.collection_instructions.as_deref();
        let mut recipient = contact(&spec.recipient, false);
        recipient.location_code = location_code(spec);
        let body = OrderBody {
            order: OrderParams {
                offer_id,
                thermal_labels: o.thermal_labels,
                insure_shipment: o.insurance,
                delay_pickup_order: o.delayed_pickup,
                shipper,
                recipient,
                parcels: order_parcels(spec, false),
            },
        };
        let response = self.client.post(ctx, "create_order", "/orders", &body, Safety::Unsafe).await?;
        self.client.data(&response)
    }

    async fn order_automatic(
        &self,
        ctx: &CallCtx,
        request: &BookingRequest<'_>,
        filters: OfferFilters,
        cheapest: bool,
    ) -> Result<Order, CarrierError> {
        let spec = request.spec;
        let o = &spec.options;
        let mut shipper = contact(&spec.shipper, true);
        shipper.collection_date = o.collection_date.as_deref();
        shipper.collection_instructions = o.collection_instructions.as_deref();
        let mut recipient = contact(&spec.recipient, true);
        recipient.is_a_company = Some(spec.recipient.is_company);
        recipient.location_code = location_code(spec);
        let body = AutomaticBody {
            order: AutomaticParams {
                thermal_labels: o.thermal_labels,
                insure_shipment: o.insurance,
                delay_pickup_order: o.delayed_pickup,
                parcel_type: parcel_type(&spec.parcels),
                shipper,
                recipient,
                parcels: order_parcels(spec, true),
                offers_sort_attributes: cheapest.then_some(SortAttributes { total_price: "asc" }),
                offers_filters: offers_filters(&filters),
            },
        };
        let response = self.client.post(ctx, "create_order", "/orders/automatic", &body, Safety::Unsafe).await?;
        self.client.data(&response)
    }

    async fn locations(
        &self,
        ctx: &CallCtx,
        offer_id: &str,
        which: &str,
        kind: LocationKind,
        near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        let path = format!("/offers/{}/available_{which}_locations", path_id(offer_id)?);
        let mut query: Vec<(&str, &str)> = Vec::new();
        for (key, value) in [
            ("location[street]", &near.street),
            ("location[postal_code]", &near.postal_code),
            ("location[city]", &near.city),
            ("location[country]", &near.country),
        ] {
            if let Some(v) = value {
                query.push((key, v));
            }
        }
        let response = self.client.get_query(ctx, "locations", &path, &query).await?;
        let found: Vec<WireLocation> = self.client.data(&response)?;
        found.into_iter().map(|l| mapping::location(l, kind)).collect()
    }
}

#[async_trait]
impl ShippingApi for MyFlyingBox {
    fn carrier(&self) -> CarrierKind {
        KIND
    }

    fn picks_cheapest_itself(&self) -> bool {
        true
    }

    async fn quote(&self, ctx: &CallCtx, request: &QuoteRequest) -> Result<Vec<CarrierOffer>, CarrierError> {
        let body = QuoteBody {
            quote: QuoteParams {
                parcel_type: parcel_type(&request.parcels),
                shipper: place(&request.shipper, None),
                recipient: place(&request.recipient, Some(request.recipient.is_company)),
                parcels: quote_parcels(&request.parcels, request.declared_value.as_ref()),
                offers_sort_attributes: sort_attributes(request),
                offers_filters: offers_filters(&request.filters),
            },
        };
        // Creating a quote books nothing and costs nothing: safe to retry.
        let response = self.client.post(ctx, "quote", "/quotes", &body, Safety::Safe).await?;
        let quote: Quote = self.client.data(&response)?;
        quote.offers.into_iter().map(CarrierOffer::try_from).collect()
    }

    async fn create_shipment(&self, ctx: &CallCtx, request: &BookingRequest<'_>) -> Result<Booked, CarrierError> {
        let order = match (request.carrier_offer_id, &request.service) {
            (Some(offer_id), _) => self.order_offer(ctx, request, path_id(offer_id)?).await?,
            (None, ServiceChoice::Code(code)) => {
                // Ordering one product without a quote: automatic order restricted to it.
                let filters = OfferFilters { services: vec![code.clone()], ..request.filters.clone() };
                self.order_automatic(ctx, request, filters, false).await?
            }
            (None, ServiceChoice::Cheapest) => {
                self.order_automatic(ctx, request, request.filters.clone(), true).await?
            }
            (None, ServiceChoice::Fastest) => {
                return Err(CarrierError::unsupported(KIND, "choosing the fastest offer"));
            }
        };
        mapping::booked(order, request.spec.parcels.len())
    }

    async fn find_booking(&self, _ctx: &CallCtx, _request: &BookingRequest<'_>) -> Result<Lookup, CarrierError> {
        Ok(Lookup::Unsearchable("My Flying Box documents no search of orders by reference"))
    }

    async fn label(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<Label, CarrierError> {
        let path = format!("/orders/{}/labels", path_id(order.carrier_order_id)?);
        let response = self.client.get(ctx, "label", &path, Safety::Safe).await?;
        if response.status.is_success() && response.body.starts_with(b"%PDF") {
            let content_type = response.header_str("content-type").unwrap_or("application/pdf");
            let content_type =
                if content_type.starts_with("application/pdf") { content_type } else { "application/pdf" };
            return Ok(Label { content_type: content_type.to_owned(), content: response.body.clone() });
        }
        // Not a PDF: an error envelope (`labels_not_ready` with 404), or garbage.
        self.client.data::<serde_json::Value>(&response)?;
        Err(CarrierError::bad_response(KIND, format!("labels answer is not a PDF: {}", response.snippet())))
    }

    async fn cancel(&self, ctx: &CallCtx, order: OrderRef<'_>) -> Result<(), CarrierError> {
        let path = format!("/orders/{}/cancel", path_id(order.carrier_order_id)?);
        let response = self.client.put(ctx, "cancel", &path, Safety::Unsafe).await?;
        self.client.data::<Order>(&response).map(|_| ())
    }

    async fn create_pickup(&self, ctx: &CallCtx, ask: &PickupAsk<'_>) -> Result<CarrierPickup, CarrierError> {
        let a = ask.address;
        let body = PickupBody {
            pickup: PickupParams {
                order_id: path_id(ask.carrier_order_id)?,
                collection_date: ask.collection_date,
                collection_instructions: ask.instructions,
                address: PickupAddress {
                    name: a.name.as_deref(),
                    company: a.company.as_deref(),
                    street: a.street.as_deref(),
                    state: a.state.as_deref(),
                    postal_code: a.postal_code.as_deref(),
                    city: a.city.as_deref(),
                    country: a.country.as_str(),
                    phone: a.compact_phone(),
                    email: a.email.as_deref(),
                },
            },
        };
        let response = self.client.post(ctx, "create_pickup", "/pickups", &body, Safety::Unsafe).await?;
        self.client.data::<Pickup>(&response)?.try_into()
    }

    async fn get_pickup(&self, ctx: &CallCtx, id: &str) -> Result<CarrierPickup, CarrierError> {
        let response = self.client.get(ctx, "get_pickup", &format!("/pickups/{}", path_id(id)?), Safety::Safe).await?;
        self.client.data::<Pickup>(&response)?.try_into()
    }

    async fn drop_off_locations(
        &self,
        ctx: &CallCtx,
        offer_id: &str,
        near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        self.locations(ctx, offer_id, "drop_off", LocationKind::DropOffPoint, near).await
    }

    async fn delivery_locations(
        &self,
        ctx: &CallCtx,
        offer_id: &str,
        near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        self.locations(ctx, offer_id, "delivery", LocationKind::RelayPoint, near).await
    }
}
