//! Rendering KOTS releases: a Go text/template engine with sprig and KOTS's functions, config
//! resolution, release rendering and image rewriting.
#![forbid(unsafe_code)]

pub mod config;
pub mod functions;
pub mod images;
pub mod release;
pub mod template;
