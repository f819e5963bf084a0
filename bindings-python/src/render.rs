//! `kots.render_release`: render a KOTS release as KOTS deploys it.

use kots_core::kinds::{ConfigValues, KotsResource};
use std::collections::HashMap;

use kots_core::license::{Ed25519PublicKey, Verifier};
use kots_render::release::{render_release as render, Release, RenderError, RenderSettings};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{json_to_py, py_to_json};
use crate::errors;

/// Maps a render error: config problems raise `ConfigError`, the rest `RenderError`, with a
/// `path` attribute naming the file when the error has one.
fn to_py(py: Python<'_>, e: RenderError) -> PyErr {
    let path = match &e {
        RenderError::Io { path, .. }
        | RenderError::ReleaseTooLarge { path, .. }
        | RenderError::Template { path, .. }
        | RenderError::KotsKind { path, .. }
        | RenderError::Annotation { path, .. }
        | RenderError::Kinds { path, .. }
        | RenderError::HelmChart { path, .. }
        | RenderError::Variadic { path, .. } => Some(path.clone()),
        RenderError::Config(_) | RenderError::Image(_) => None,
    };
    let err = match &e {
        RenderError::Config(_) => errors::ConfigError::new_err(e.to_string()),
        _ => errors::RenderError::new_err(e.to_string()),
    };
    match path.and_then(|p| p.into_pyobject(py).ok()) {
        Some(p) => errors::with_fields(py, err, &[("path", p.into_any().unbind())]),
        None => err,
    }
}

/// The release: a directory path, or a dict of path → text or bytes.
fn release(py: Python<'_>, files: &Bound<'_, PyAny>) -> PyResult<Release> {
    if let Ok(dir) = files.cast::<PyString>() {
        return Release::from_dir(std::path::Path::new(&*dir.to_cow()?)).map_err(|e| to_py(py, e));
    }
    let dict = files.cast::<PyDict>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "release_files must be a directory path or a dict of path -> str | bytes",
        )
    })?;
    let mut out = Vec::new();
    for (path, content) in dict.iter() {
        let path: String = path.extract()?;
        let bytes = match content.cast::<PyBytes>() {
            Ok(b) => b.as_bytes().to_vec(),
            Err(_) => content.extract::<String>()?.into_bytes(),
        };
        out.push((path, bytes));
    }
    Ok(Release::from_files(out))
}

/// Renders a release and returns `{"objects": [{"path", "object"}], "summary": {...},
/// "kotsKinds": [{"path", "content"}], "config": {...} | None}`.
///
/// The license is verified against KOTS's global keys (plus `license_key`, a PEM trusted for any
/// key id, and `license_ed25519_keys`, key id → ed25519 public key PEM for vendor-signed
/// licenses) and its signed values are used. `options` are the render settings: `namespace`,
/// `app_slug`, `sequence`, `cursor`, `channel_name`, `version_label`, `release_notes`, `airgap`,
/// `kots_version`, `registry` (`hostname`, `namespace`, `username`, `password`, `read_only`),
/// `encryption_key`, `private_images`, `identity`, `kurl`, `finishing` (`pull_secrets`,
/// `image_pull_secrets`, `app_slug_labels`, `backup_label`, `rewrite_images`), `cluster`
/// (`namespace`, `distribution`, `is_kurl`, `kubernetes_version`, `node_count`, `objects`,
/// `http_proxy`, `https_proxy`, `no_proxy`), `threads`.
#[pyfunction]
#[pyo3(signature = (release_files, license, config_values=None, *, license_key=None, license_ed25519_keys=None, **options))]
fn render_release(
    py: Python<'_>,
    release_files: &Bound<'_, PyAny>,
    license: &str,
    config_values: Option<&str>,
    license_key: Option<&str>,
    license_ed25519_keys: Option<HashMap<String, String>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let release = self::release(py, release_files)?;
    let mut verifier = Verifier::new();
    if let Some(pem) = license_key {
        verifier
            .trust_rsa_key_for_any_id(pem)
            .map_err(|e| errors::LicenseError::new_err(e.to_string()))?;
    }
    for (key_id, pem) in license_ed25519_keys.unwrap_or_default() {
        let key = Ed25519PublicKey::from_pem(&pem).map_err(|e| {
            errors::LicenseError::new_err(format!("license_ed25519_keys[{key_id:?}]: {e}"))
        })?;
        verifier.trust_ed25519_key(key_id, key);
    }
    let verified = verifier
        .verify_yaml(license)
        .map_err(|e| errors::LicenseError::new_err(e.to_string()))?;
    let values = config_values
        .map(ConfigValues::from_yaml)
        .transpose()
        .map_err(|e| errors::KindsError::new_err(e.to_string()))?;
    let settings: RenderSettings = match options {
        Some(dict) => serde_json::from_value(py_to_json(dict.as_any())?).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("invalid render option: {e}"))
        })?,
        None => RenderSettings::default(),
    };
    let options = settings.into_options();
    let rendered = py
        .detach(|| render(&release, Some(&verified.license), values.as_ref(), &options))
        .map_err(|e| to_py(py, e))?;
    json_to_py(py, &rendered.to_json())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_release, m)?)?;
    Ok(())
}
