//! The `kots._kots` extension module. Thin: every function converts types at the edge and calls
//! the Rust crates; each Rust module has a mirror file here.

use pyo3::prelude::*;

mod convert;
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

#[pymodule]
fn _kots(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    gate::register(m)?;
    image::register(m)?;
    kinds::register(m)?;
    license::register(m)?;
    manifest::register(m)?;
    plan::register(m)?;
    registry::register(m)?;
    render::register(m)?;
    template::register(m)?;
    Ok(())
}
