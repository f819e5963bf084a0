//! The kots Node.js addon. Thin: each file mirrors one Rust module and converts at the edge.
#![deny(clippy::all)]

use napi_derive::napi;

mod errors;
mod gate;
mod kinds;
mod manifest;
mod plan;
mod registry;

/// The SDK version.
#[napi(js_name = "version")]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
