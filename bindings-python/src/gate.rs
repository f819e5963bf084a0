//! `kots.gate`, `kots.compare_kots_versions`, `kots.normalize_kots_version`.

use std::cmp::Ordering;

use kots_core::gate::{check_yaml, GateError, Operation, SemverError, Version};
use pyo3::prelude::*;

use crate::convert::json_to_py;
use crate::errors;

fn to_py(py: Python<'_>, e: GateError) -> PyErr {
    match e {
        GateError::Application(k) => crate::kinds::to_py(py, k),
        GateError::UnknownOperation(_) => errors::GateError::new_err(e.to_string()),
    }
}

fn version_to_py(text: &str, e: SemverError) -> PyErr {
    errors::GateError::new_err(format!("invalid version {text:?}: {e}"))
}

/// Decides whether KOTS `kots_version` may `operation` (`"install"` or `"update"`) the release
/// whose Application is in `application_yaml` (the first `kots.io/v1beta1 Application`).
/// Returns `{allowed, reason, message, desiredVersion, upgradeRecommended, warnings}`.
#[pyfunction]
fn gate(
    py: Python<'_>,
    application_yaml: &str,
    kots_version: &str,
    operation: &str,
) -> PyResult<Py<PyAny>> {
    let operation: Operation = operation.parse().map_err(|e| to_py(py, e))?;
    let decision =
        check_yaml(application_yaml, kots_version, operation).map_err(|e| to_py(py, e))?;
    let value =
        serde_json::to_value(&decision).map_err(|e| errors::GateError::new_err(e.to_string()))?;
    json_to_py(py, &value)
}

/// Compares two KOTS versions as KOTS does (blang/semver `ParseTolerant`, build metadata
/// ignored): -1, 0 or 1. Raises `GateError` if either does not parse.
#[pyfunction]
fn compare_kots_versions(a: &str, b: &str) -> PyResult<i32> {
    let va = Version::parse_tolerant(a).map_err(|e| version_to_py(a, e))?;
    let vb = Version::parse_tolerant(b).map_err(|e| version_to_py(b, e))?;
    Ok(match va.cmp(&vb) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// The version as blang/semver `ParseTolerant` reads it, printed in full (`v1.2` → `1.2.0`).
/// Raises `GateError` with blang's reason if it does not parse.
#[pyfunction]
fn normalize_kots_version(version: &str) -> PyResult<String> {
    Version::parse_tolerant(version)
        .map(|v| v.to_string())
        .map_err(|e| version_to_py(version, e))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(gate, m)?)?;
    m.add_function(wrap_pyfunction!(compare_kots_versions, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_kots_version, m)?)?;
    Ok(())
}
