//! Pure KOTS logic with no I/O: manifests, KOTS kinds, licenses, version gating, image
//! references and release planning. Everything here is a function of the inputs the caller hands in.
// The one exception, with its reasons: license/rsa/ifma.rs (SIMD intrinsics).
#![deny(unsafe_code)]

pub mod gate;
pub mod image;
pub mod kinds;
pub mod license;
pub mod manifest;
pub mod plan;
