//! `kots.parse_manifests`, `kots.split_documents`.

use kots_core::manifest::{self, ManifestError};
use pyo3::prelude::*;

use crate::convert::json_to_py;
use crate::errors;

fn to_py(py: Python<'_>, e: ManifestError) -> PyErr {
    let (document, line) = match &e {
        ManifestError::Yaml { document, line, .. }
        | ManifestError::NotAMapping { document, line, .. }
        | ManifestError::MissingField { document, line, .. } => (Some(*document), Some(*line)),
        _ => (None, None),
    };
    let err = errors::ManifestError::new_err(e.to_string());
    let fields = [
        (
            "document",
            document.into_pyobject(py).map(|o| o.into_any().unbind()),
        ),
        (
            "line",
            line.into_pyobject(py).map(|o| o.into_any().unbind()),
        ),
    ];
    let fields: Vec<(&str, Py<PyAny>)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.ok().map(|v| (k, v)))
        .collect();
    errors::with_fields(py, err, &fields)
}

/// Splits a multi-document YAML stream as KOTS does and parses each document into a dict.
#[pyfunction]
fn parse_manifests(py: Python<'_>, text: &str) -> PyResult<Vec<Py<PyAny>>> {
    let objects = manifest::parse_manifests(text).map_err(|e| to_py(py, e))?;
    objects
        .into_iter()
        .map(|o| json_to_py(py, &o.into_value()))
        .collect()
}

/// Splits a stream into the documents' texts, as KOTS's ConvertToSingleDocs does.
#[pyfunction]
fn split_documents(text: &str) -> Vec<String> {
    manifest::split_documents(text)
        .into_iter()
        .map(|d| d.text)
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_manifests, m)?)?;
    m.add_function(wrap_pyfunction!(split_documents, m)?)?;
    Ok(())
}
