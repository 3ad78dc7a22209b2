//! What a merchant asks a price for: from where, to where, which parcels.

use serde::{Deserialize, Serialize};

use super::address::{Address, AddressUse};
use super::money::Money;
use super::offer::{OfferFilters, OfferSort};
use super::parcel::{Parcel, check_parcels};
use super::violation::{Violation, Violations};

/// A shipment described enough to be priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<Parcel>,
    /// Cash the carrier should collect from the recipient.
    pub cash_on_delivery: Option<Money>,
    /// Value to insure (My Flying Box `insured_value`); the offer shows the insurance price apart.
    pub declared_value: Option<Money>,
    pub filters: OfferFilters,
    pub sort: Option<OfferSort>,
}

impl QuoteRequest {
    pub fn check(&self) -> Result<(), Vec<Violation>> {
        let mut v = Violations::default();
        self.shipper.check("shipper", AddressUse::Quote, &mut v);
        self.recipient.check("recipient", AddressUse::Quote, &mut v);
        check_parcels(&self.parcels, &mut v);
        check_amount("cash_on_delivery", self.cash_on_delivery.as_ref(), &mut v);
        check_amount("declared_value", self.declared_value.as_ref(), &mut v);
        v.into_result(())
    }
}

/// An optional amount must be positive.
pub fn check_amount(field: &str, money: Option<&Money>, v: &mut Violations) {
    if let Some(m) = money
        && (m.amount.is_sign_negative() || m.amount.is_zero())
    {
        v.add(format!("{field}.amount"), "must be greater than zero");
    }
}

/// How many offers one quote may ask from how many accounts.
pub const MAX_QUOTE_ACCOUNTS: usize = 20;
