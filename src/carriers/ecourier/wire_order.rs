//! e-Courier orders as the document shows them: SaveOrder / QuoteOrder
//! bodies (`{"Order": {...}}` with `Pieces.Piece` and `Stops.Stop` wrappers,
//! every value a string), the QuoteOrder answer (plain keys, "$40.00"), and
//! GetJsonOrder's answer (XML turned into JSON: `@` attributes, one-element
//! collections as objects).

use serde::{Deserialize, Serialize};

use crate::carriers::lenient;

#[derive(Debug, Serialize)]
pub struct OrderBody {
    #[serde(rename = "Order")]
    pub order: OrderOut,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// "X" cancels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cod_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pieces: Option<Pieces>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stops: Option<Stops>,
}

#[derive(Debug, Serialize)]
pub struct Pieces {
    #[serde(rename = "Piece")]
    pub piece: Vec<Piece>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Piece {
    pub sequence: String,
    pub reference: String,
    pub pieces: String,
    pub weight: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Stops {
    #[serde(rename = "Stop")]
    pub stop: Vec<Stop>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stop {
    pub sequence: String,
    /// "P" pickup, "D" destination.
    pub stop_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_date_time: Option<String>,
    #[serde(rename = "ScheduledDateTimeTZ", skip_serializing_if = "Option::is_none")]
    pub scheduled_date_time_tz: Option<&'static str>,
    pub name: String,
    pub address: String,
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub order_stop_pieces: OrderStopPieces,
}

#[derive(Debug, Default, Serialize)]
pub struct OrderStopPieces {
    #[serde(rename = "OrderStopPiece")]
    pub order_stop_piece: Vec<OrderStopPiece>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderStopPiece {
    pub piece_action: &'static str,
    pub sequence: String,
}

/// `{"GetJsonOrder": ...}` body.
#[derive(Debug, Serialize)]
pub struct OrderNumberBody<'a> {
    #[serde(rename = "OrderNumber")]
    pub order_number: &'a str,
}

/// QuoteOrder's answer: `{"Order": {...}}` with plain keys.
#[derive(Debug, Deserialize)]
pub struct QuoteAnswer {
    #[serde(rename = "Order")]
    pub order: QuotedOrder,
}

#[derive(Debug, Deserialize)]
pub struct QuotedOrder {
    #[serde(rename = "Service", default, deserialize_with = "lenient::opt_text")]
    pub service: Option<String>,
    /// "$40.00".
    #[serde(rename = "AmountCharged", default, deserialize_with = "lenient::opt_text")]
    pub amount_charged: Option<String>,
    /// "12/05/2020 09:00".
    #[serde(rename = "ReadyDateTime", default, deserialize_with = "lenient::opt_text")]
    pub ready_date_time: Option<String>,
    /// "12/05/20 11:00" (two-digit year in the document).
    #[serde(rename = "DueDateTime", default, deserialize_with = "lenient::opt_text")]
    pub due_date_time: Option<String>,
}

/// GetJsonOrder's answer; attributes come `@`-prefixed (plain keys accepted too).
#[derive(Debug, Deserialize)]
pub struct JsonOrderAnswer {
    #[serde(rename = "Order")]
    pub order: JsonOrder,
}

#[derive(Debug, Deserialize)]
pub struct JsonOrder {
    #[serde(rename = "@OrderID", alias = "OrderID", default, deserialize_with = "lenient::opt_text")]
    pub order_id: Option<String>,
    #[serde(rename = "@OrderNumber", alias = "OrderNumber", default, deserialize_with = "lenient::opt_text")]
    pub order_number: Option<String>,
    #[serde(rename = "@OrderStatus", alias = "OrderStatus", default, deserialize_with = "lenient::opt_text")]
    pub order_status: Option<String>,
    #[serde(rename = "@Service", alias = "Service", default, deserialize_with = "lenient::opt_text")]
    pub service: Option<String>,
    #[serde(rename = "@AmountCharged", alias = "AmountCharged", default, deserialize_with = "lenient::opt_text")]
    pub amount_charged: Option<String>,
    #[serde(rename = "@CreateDate", alias = "CreateDate", default, deserialize_with = "lenient::opt_text")]
    pub create_date: Option<String>,
}
