//! Cursor pagination shared by every list endpoint: newest first, the
//! cursor is the id of the last item of the previous page.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_request("invalid_query", format!("limit must be between 1 and {MAX_LIMIT}"))),
        }
    }

    /// The cursor parsed as the id type of the listed resource.
    pub fn cursor<T: std::str::FromStr>(&self) -> Result<Option<T>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse::<T>().map_err(|_| ApiError::bad_request("invalid_query", "cursor is not one this API issued"))
            })
            .transpose()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched items; the extra one only says
    /// that there is more.
    pub fn from_overfetch(mut items: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Self {
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor = if more { items.last().map(cursor_of) } else { None };
        Page { data: items, next_cursor }
    }
}

/// Rejects a filter value with a field-level problem.
pub fn bad_filter(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, message)])
}
