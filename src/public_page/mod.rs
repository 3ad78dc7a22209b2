//! The public tracking page of a parcel (`/t/{token}`): server-rendered
//! HTML in French or English, branded by the merchant, readable without
//! JavaScript, showing nothing beyond that one parcel.

pub mod language;
pub mod limiter;
pub mod render;
pub mod words;
