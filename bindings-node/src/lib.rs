//! The kots Node.js addon. Thin: each file mirrors one Rust module and converts at the edge.
#![deny(clippy::all)]
// napi registers exported items only in the addon build; `cargo test` sees them as unused.
#![cfg_attr(test, allow(dead_code))]

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

/// The SDK version. Lower-case because napi exports a constant under its Rust name.
#[allow(non_upper_case_globals)]
#[napi]
pub const version: &str = env!("CARGO_PKG_VERSION");
