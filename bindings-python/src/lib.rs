//! The `kots._kots` extension module. Thin: every function converts types at the edge and calls
//! the Rust crates; each Rust module has a mirror file here.

use pyo3::prelude::*;

mod convert;
mod errors;
mod manifest;
mod plan;

#[pymodule]
fn _kots(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    manifest::register(m)?;
    plan::register(m)?;
    Ok(())
}
