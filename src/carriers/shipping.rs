//! The shipping side of a connector: quotes, bookings (and finding a booking
//! again by our reference), labels, cancellation, changes, dispatch, pickups,
//! relay points, stop desks, notes and returns. Operations a carrier lacks
//! keep the default body, which answers `CarrierError::Unsupported`.

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::{CallCtx, CarrierError};
use crate::domain::address::Address;
use crate::domain::location::Location;
use crate::domain::money::Money;
use crate::domain::offer::{CollectionDate, DeliveryEstimate, DeliveryType, PriceBreakdown, Service};
use crate::domain::quote::QuoteRequest;
use crate::domain::shipment::{ServiceChoice, ShipmentChanges, ShipmentSpec};
use crate::domain::{CarrierKind, offer::OfferFilters};

/// One offer as a carrier answers it (ids and account are added by the service).
#[derive(Debug, Clone)]
pub struct CarrierOffer {
    pub service: Service,
    pub price: PriceBreakdown,
    pub insurance: Option<Money>,
    pub delivery_estimate: Option<DeliveryEstimate>,
    pub delivery_type: DeliveryType,
    pub pickup: bool,
    pub drop_off: bool,
    pub delayed_pickup: bool,
    pub cash_on_delivery: bool,
    pub collection_dates: Vec<CollectionDate>,
    pub expires_at: DateTime<Utc>,
    /// The carrier's own id of the offer, when booking needs it back (My Flying Box).
    pub carrier_offer_id: Option<String>,
}

/// What to book.
#[derive(Debug, Clone)]
pub struct BookingRequest<'a> {
    pub spec: &'a ShipmentSpec,
    pub service: ServiceChoice,
    /// The carrier's offer, when booking one it quoted.
    pub carrier_offer_id: Option<&'a str>,
    /// Ours, derived from the shipment id, sent to the carrier so that the
    /// order can be found again if its answer is lost.
    pub carrier_reference: &'a str,
    /// When the intent was recorded (bounds a search by date).
    pub intent_at: DateTime<Utc>,
    /// Filters for an automatic choice made by the carrier.
    pub filters: &'a OfferFilters,
}

/// A booking the carrier confirmed (or that was found again).
#[derive(Debug, Clone)]
pub struct Booked {
    /// My Flying Box order uuid, e-Courier OrderNumber, Ecotrack tracking.
    pub carrier_order_id: String,
    pub service: Option<Service>,
    /// One per parcel, in order (None when the carrier tracks the order only).
    pub tracking_numbers: Vec<Option<String>>,
    pub price: Option<PriceBreakdown>,
    pub insurance: Option<Money>,
    /// Carrier facts worth keeping (state, collection date, desk…).
    pub details: serde_json::Value,
}

/// The outcome of looking for a booking by our reference.
#[derive(Debug, Clone)]
pub enum Lookup {
    Found(Box<Booked>),
    /// The carrier has no order with this reference: nothing was booked.
    Absent,
    /// The carrier offers no way to search (why, for the merchant).
    Unsearchable(&'static str),
}

/// A booked order, as operations on it need it.
#[derive(Debug, Clone, Copy)]
pub struct OrderRef<'a> {
    pub carrier_order_id: &'a str,
    pub carrier_reference: &'a str,
    pub spec: &'a ShipmentSpec,
    pub service_code: &'a str,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub content_type: String,
    pub content: Bytes,
}

/// Near which address to look for relay or drop-off points.
#[derive(Debug, Clone, Default)]
pub struct LocationQuery {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Region code; Ecotrack stop desks are listed per wilaya.
    pub state: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PickupAsk<'a> {
    pub carrier_order_id: &'a str,
    pub collection_date: &'a str,
    pub instructions: Option<&'a str>,
    pub address: &'a Address,
}

#[derive(Debug, Clone)]
pub struct CarrierPickup {
    pub carrier_pickup_id: String,
    pub reference: Option<String>,
    /// The truck company's own reference; empty until the carrier confirms.
    pub supplier_reference: Option<String>,
    pub collection_date: Option<String>,
    pub price: Option<Money>,
}

#[derive(Debug, Clone)]
pub struct CarrierNote {
    pub text: String,
    pub station: Option<String>,
    pub driver: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

fn unsupported<T>(carrier: CarrierKind, operation: &'static str) -> Result<T, CarrierError> {
    Err(CarrierError::unsupported(carrier, operation))
}

#[async_trait]
pub trait ShippingApi: Send + Sync {
    fn carrier(&self) -> CarrierKind;

    /// Whether the carrier itself picks the best offer in one booking call.
    fn picks_cheapest_itself(&self) -> bool {
        false
    }

    async fn quote(&self, _ctx: &CallCtx, _request: &QuoteRequest) -> Result<Vec<CarrierOffer>, CarrierError> {
        unsupported(self.carrier(), "quotes")
    }

    async fn create_shipment(&self, _ctx: &CallCtx, _request: &BookingRequest<'_>) -> Result<Booked, CarrierError> {
        unsupported(self.carrier(), "shipments")
    }

    /// Several bookings in one upstream call; one result per request, in order.
    async fn create_batch(
        &self,
        _ctx: &CallCtx,
        _requests: &[BookingRequest<'_>],
    ) -> Result<Vec<Result<Booked, CarrierError>>, CarrierError> {
        unsupported(self.carrier(), "batch shipments")
    }

    /// Looks for the order booked with `request.carrier_reference`.
    async fn find_booking(&self, _ctx: &CallCtx, _request: &BookingRequest<'_>) -> Result<Lookup, CarrierError> {
        Ok(Lookup::Unsearchable("the carrier offers no search by reference"))
    }

    async fn label(&self, _ctx: &CallCtx, _order: OrderRef<'_>) -> Result<Label, CarrierError> {
        unsupported(self.carrier(), "labels")
    }

    async fn cancel(&self, _ctx: &CallCtx, _order: OrderRef<'_>) -> Result<(), CarrierError> {
        unsupported(self.carrier(), "cancellation")
    }

    async fn update(
        &self,
        _ctx: &CallCtx,
        _order: OrderRef<'_>,
        _changes: &ShipmentChanges,
    ) -> Result<(), CarrierError> {
        unsupported(self.carrier(), "shipment changes")
    }

    /// Hands a booked order over for delivery (Ecotrack "valid").
    async fn dispatch(&self, _ctx: &CallCtx, _order: OrderRef<'_>) -> Result<(), CarrierError> {
        unsupported(self.carrier(), "dispatch")
    }

    async fn create_pickup(&self, _ctx: &CallCtx, _ask: &PickupAsk<'_>) -> Result<CarrierPickup, CarrierError> {
        unsupported(self.carrier(), "pickups")
    }

    async fn get_pickup(&self, _ctx: &CallCtx, _carrier_pickup_id: &str) -> Result<CarrierPickup, CarrierError> {
        unsupported(self.carrier(), "pickups")
    }

    async fn drop_off_locations(
        &self,
        _ctx: &CallCtx,
        _carrier_offer_id: &str,
        _near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        unsupported(self.carrier(), "drop-off locations")
    }

    async fn delivery_locations(
        &self,
        _ctx: &CallCtx,
        _carrier_offer_id: &str,
        _near: &LocationQuery,
    ) -> Result<Vec<Location>, CarrierError> {
        unsupported(self.carrier(), "delivery locations")
    }

    /// Stop desks, all or those of one region (Ecotrack wilaya).
    async fn stop_desks(&self, _ctx: &CallCtx, _state: Option<&str>) -> Result<Vec<Location>, CarrierError> {
        unsupported(self.carrier(), "stop desks")
    }

    async fn add_note(&self, _ctx: &CallCtx, _order: OrderRef<'_>, _text: &str) -> Result<(), CarrierError> {
        unsupported(self.carrier(), "notes")
    }

    async fn notes(&self, _ctx: &CallCtx, _order: OrderRef<'_>) -> Result<Vec<CarrierNote>, CarrierError> {
        unsupported(self.carrier(), "notes")
    }

    async fn request_return(&self, _ctx: &CallCtx, _order: OrderRef<'_>) -> Result<(), CarrierError> {
        unsupported(self.carrier(), "return requests")
    }
}
