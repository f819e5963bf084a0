//! The kots Node.js addon. Thin: each file mirrors one Rust module and converts at the edge.
#![deny(clippy::all)]

use napi_derive::napi;

mod errors;
mod gate;
mod image;
mod kinds;
mod license;
mod manifest;
mod plan;
mod registry;
mod render;
mod template;

/// The SDK version.
#[napi(js_name = "version")]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
