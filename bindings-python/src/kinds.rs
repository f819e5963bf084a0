//! `kots.parse_application`, `parse_config`, `parse_config_values`, `parse_helm_chart`,
//! `parse_installation`, `parse_airgap`, `kots_kind`, `is_kots_kind`.

use kots_core::kinds::{
    self, Airgap, Application, Config, ConfigValues, HelmChartV1Beta1, HelmChartV1Beta2,
    Installation, KindsError, KotsKind, KotsResource,
};
use kots_core::manifest::Object;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::json_to_py;
use crate::errors;

/// Maps a kinds error: YAML problems raise `ManifestError`, everything else `KindsError` with
/// `kind`, `name`, `path` and `context` attributes when the error names a field.
pub fn to_py(py: Python<'_>, e: KindsError) -> PyErr {
    match &e {
        KindsError::Manifest(m) => errors::ManifestError::new_err(m.to_string()),
        KindsError::Decode {
            kind,
            name,
            path,
            context,
            ..
        } => {
            let err = errors::KindsError::new_err(e.to_string());
            let text = |s: &str| PyString::new(py, s).into_any().unbind();
            let fields = [
                ("kind", text(kind)),
                ("name", text(name)),
                ("path", text(path)),
                (
                    "context",
                    context.as_deref().map_or_else(|| py.None(), text),
                ),
            ];
            errors::with_fields(py, err, &fields)
        }
        _ => errors::KindsError::new_err(e.to_string()),
    }
}

/// Decodes one YAML document as `T` and returns the dict KOTS would marshal (unknown fields kept).
fn parse<T: KotsResource>(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    let kind = T::from_yaml(yaml).map_err(|e| to_py(py, e))?;
    let value = kind.to_value().map_err(|e| to_py(py, e))?;
    json_to_py(py, &value)
}

/// Parses a `kots.io/v1beta1 Application` document into a dict.
#[pyfunction]
fn parse_application(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    parse::<Application>(py, yaml)
}

/// Parses a `kots.io/v1beta1 Config` document into a dict; a bare number as an item's
/// `default`/`value` raises `KindsError` naming the item, as KOTS fails.
#[pyfunction]
fn parse_config(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    parse::<Config>(py, yaml)
}

/// Parses a `kots.io/v1beta1 ConfigValues` document into a dict.
#[pyfunction]
fn parse_config_values(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    parse::<ConfigValues>(py, yaml)
}

/// Parses a `HelmChart` document, `kots.io/v1beta1` or `kots.io/v1beta2`, into a dict.
#[pyfunction]
fn parse_helm_chart(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    let object = Object::from_yaml(yaml).map_err(|e| to_py(py, e.into()))?;
    let value = match object.api_version() {
        "kots.io/v1beta2" => HelmChartV1Beta2::from_object(&object).and_then(|c| c.to_value()),
        _ => HelmChartV1Beta1::from_object(&object).and_then(|c| c.to_value()),
    };
    json_to_py(py, &value.map_err(|e| to_py(py, e))?)
}

/// Parses a `kots.io/v1beta1 Installation` document into a dict.
#[pyfunction]
fn parse_installation(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    parse::<Installation>(py, yaml)
}

/// Parses a `kots.io/v1beta1 Airgap` document (`airgap.yaml`) into a dict.
#[pyfunction]
fn parse_airgap(py: Python<'_>, yaml: &str) -> PyResult<Py<PyAny>> {
    parse::<Airgap>(py, yaml)
}

/// KOTS's classification of a document (`IsKotsKind`): e.g. `"config"`, `"helmChartV1Beta2"`,
/// `"troubleshoot"`; `None` for a document KOTS deploys.
#[pyfunction]
fn kots_kind(api_version: &str, kind: &str) -> Option<String> {
    KotsKind::of(api_version, kind).and_then(|k| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    })
}

/// KOTS's `IsKotsKind`: whether the document is one of KOTS's own kinds.
#[pyfunction]
fn is_kots_kind(api_version: &str, kind: &str) -> bool {
    kinds::is_kots_kind(api_version, kind)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_application, m)?)?;
    m.add_function(wrap_pyfunction!(parse_config, m)?)?;
    m.add_function(wrap_pyfunction!(parse_config_values, m)?)?;
    m.add_function(wrap_pyfunction!(parse_helm_chart, m)?)?;
    m.add_function(wrap_pyfunction!(parse_installation, m)?)?;
    m.add_function(wrap_pyfunction!(parse_airgap, m)?)?;
    m.add_function(wrap_pyfunction!(kots_kind, m)?)?;
    m.add_function(wrap_pyfunction!(is_kots_kind, m)?)?;
    Ok(())
}
