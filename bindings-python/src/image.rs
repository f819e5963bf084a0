//! `kots.parse_image_reference`, `dest_image`, `kustomize_images`, `local_image_name`,
//! `docker_config_json`, `pull_secrets`, `discover_images`, `rewrite_images`,
//! `airgap_push_mappings`.

use std::collections::HashSet;

use kots_core::image::{
    self, DiscoverOptions, DiscoveryMode, ImageError, ImageRewriter, LocalImageContext, ProxyInfo,
    PullSecretOptions, Reference, ReferenceReport, Registry,
};
use kots_core::manifest::{self, Object};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::BoundObject;

use crate::convert::{json_to_py, py_to_json};
use crate::errors;

/// One attribute value for an exception.
fn field<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> Option<Py<PyAny>> {
    value.into_pyobject(py).ok().map(|o| o.into_any().unbind())
}

/// Maps an image error to `ImageError`, with `input` and `go_message` for invalid references and
/// `document` / `pointer` when the error names a place in the manifests.
fn to_py(py: Python<'_>, e: ImageError) -> PyErr {
    let err = errors::ImageError::new_err(e.to_string());
    let (document, pointer, reference) = match &e {
        ImageError::Reference(r) => (None, None, Some(r)),
        ImageError::InDocument {
            document,
            pointer,
            source,
        } => (Some(*document), Some(pointer.as_str()), Some(source)),
        ImageError::FieldType {
            document, pointer, ..
        } => (Some(*document), Some(pointer.as_str()), None),
        ImageError::Application { document, .. } => (Some(*document), None, None),
        _ => (None, None, None),
    };
    let fields = [
        ("document", document.and_then(|d| field(py, d))),
        ("pointer", pointer.and_then(|p| field(py, p))),
        ("input", reference.and_then(|r| field(py, r.input()))),
        (
            "go_message",
            reference.and_then(|r| field(py, r.go_message())),
        ),
    ];
    let fields: Vec<(&str, Py<PyAny>)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    errors::with_fields(py, err, &fields)
}

fn to_py_value(
    py: Python<'_>,
    value: serde_json::Result<serde_json::Value>,
) -> PyResult<Py<PyAny>> {
    json_to_py(
        py,
        &value.map_err(|e| PyValueError::new_err(e.to_string()))?,
    )
}

/// Manifests given as YAML text or as a list of dicts.
fn objects(manifests: &Bound<'_, PyAny>) -> PyResult<Vec<Object>> {
    let manifest_err = |e: manifest::ManifestError| errors::ManifestError::new_err(e.to_string());
    if let Ok(text) = manifests.extract::<String>() {
        return manifest::parse_manifests(&text).map_err(manifest_err);
    }
    let list: Vec<Bound<'_, PyAny>> = manifests.extract()?;
    list.iter()
        .map(|item| Object::from_value(py_to_json(item)?).map_err(manifest_err))
        .collect()
}

fn mode(mode: &str) -> PyResult<DiscoveryMode> {
    match mode {
        "kots" => Ok(DiscoveryMode::Kots),
        "complete" => Ok(DiscoveryMode::Complete),
        other => Err(PyValueError::new_err(format!(
            "mode must be \"kots\" or \"complete\", not {other:?}"
        ))),
    }
}

/// Parses an image reference as Docker does: `{input, normalized, familiar, domain, path, tag,
/// digest}` (absent keys omitted). Raises `ImageError` (with `go_message`) when it is invalid.
#[pyfunction]
fn parse_image_reference(py: Python<'_>, reference: &str) -> PyResult<Py<PyAny>> {
    Reference::parse_normalized(reference).map_err(|e| to_py(py, e.into()))?;
    to_py_value(py, serde_json::to_value(ReferenceReport::of(reference)))
}

/// Where `image` lives in the private registry `registry` (`HOST[/NAMESPACE]`): KOTS's DestImage.
#[pyfunction]
fn dest_image(py: Python<'_>, image: &str, registry: &str) -> PyResult<String> {
    Registry::parse(registry)
        .dest_image(image)
        .map_err(|e| to_py(py, e))
}

/// The kustomization `images` list KOTS writes for `images` moved to `registry`.
#[pyfunction]
fn kustomize_images(py: Python<'_>, images: Vec<String>, registry: &str) -> PyResult<Py<PyAny>> {
    let entries = Registry::parse(registry)
        .rewrite_images(&images)
        .map_err(|e| to_py(py, e))?;
    to_py_value(
        py,
        serde_json::to_value(image::kustomization_images(entries)),
    )
}

/// KOTS's `LocalImageName` template function. `is_private` is the answer to KOTS's registry
/// probe (`None`: the probe failed, which renders `""`); it is not used with a registry or
/// `proxy_public_images`.
#[pyfunction]
#[pyo3(signature = (image, *, registry=None, proxy_public_images=false, app_slug="", license_endpoint="", proxy_domain=None, registry_domain=None, is_private=Some(true)))]
#[allow(clippy::too_many_arguments)]
fn local_image_name(
    py: Python<'_>,
    image: &str,
    registry: Option<&str>,
    proxy_public_images: bool,
    app_slug: &str,
    license_endpoint: &str,
    proxy_domain: Option<&str>,
    registry_domain: Option<&str>,
    is_private: Option<bool>,
) -> PyResult<String> {
    let ctx = LocalImageContext {
        registry: registry.map(Registry::parse),
        proxy_public_images,
        proxy: ProxyInfo::from_license_endpoint(license_endpoint)
            .with_overrides(proxy_domain, registry_domain),
        app_slug: app_slug.into(),
    };
    image::local_image_name(&ctx, image, |_| is_private).map_err(|e| to_py(py, e))
}

/// The `.dockerconfigjson` KOTS writes, byte for byte.
#[pyfunction]
fn docker_config_json(registries: Vec<String>, username: &str, password: &str) -> String {
    image::docker_config_json(&registries, username, password)
}

/// The pull secrets KOTS writes: `[<prefix>-registry (when a prefix is given), kotsadm-replicated-registry]`.
#[pyfunction]
#[pyo3(signature = (registries, username, password, namespace, name_prefix, *, embedded_cluster=false))]
fn pull_secrets(
    py: Python<'_>,
    registries: Vec<String>,
    username: &str,
    password: &str,
    namespace: &str,
    name_prefix: &str,
    embedded_cluster: bool,
) -> PyResult<Vec<Py<PyAny>>> {
    let secrets = image::pull_secrets(&PullSecretOptions {
        registries: &registries,
        username,
        password,
        namespace,
        name_prefix,
        embedded_cluster,
    });
    secrets
        .app
        .into_iter()
        .chain([secrets.admin_console])
        .map(|o| json_to_py(py, &o.into_value()))
        .collect()
}

/// Finds the images of manifests (YAML text or a list of dicts): `{images: [{image, documents,
/// locations}], workloadImages, kotsKindsImages, documentsWithImages}`.
#[pyfunction]
#[pyo3(signature = (manifests, *, mode="kots", registry=None))]
fn discover_images(
    py: Python<'_>,
    manifests: &Bound<'_, PyAny>,
    mode: &str,
    registry: Option<&str>,
) -> PyResult<Py<PyAny>> {
    let objects = objects(manifests)?;
    let options = DiscoverOptions {
        mode: self::mode(mode)?,
        registry: registry.map(Registry::parse),
    };
    let found = image::discover(&objects, &options).map_err(|e| to_py(py, e))?;
    to_py_value(py, serde_json::to_value(found))
}

/// Rewrites the images of manifests for a private registry (`registry="HOST[/NAMESPACE]"`) or the
/// Replicated proxy (`proxy_app_slug=...`, with `private_images` or every image private). Returns
/// `{manifests: [dict], images: [kustomize entries], rewritten: int}`.
#[pyfunction]
#[pyo3(signature = (manifests, *, registry=None, proxy_app_slug=None, proxy_domain=None, registry_domain=None, private_images=None, mode="kots"))]
#[allow(clippy::too_many_arguments)]
fn rewrite_images(
    py: Python<'_>,
    manifests: &Bound<'_, PyAny>,
    registry: Option<&str>,
    proxy_app_slug: Option<&str>,
    proxy_domain: Option<&str>,
    registry_domain: Option<&str>,
    private_images: Option<Vec<String>>,
    mode: &str,
) -> PyResult<Py<PyAny>> {
    let mut objects = objects(manifests)?;
    let mode = self::mode(mode)?;
    let registry = registry.map(Registry::parse);
    let options = DiscoverOptions {
        mode,
        registry: registry.clone(),
    };
    let found = image::discover(&objects, &options).map_err(|e| to_py(py, e))?;
    let entries = match (&registry, proxy_app_slug) {
        (Some(registry), _) => registry.rewrite_images(&found.kots_image_list()),
        (None, Some(slug)) => {
            let private: Option<HashSet<String>> = private_images.map(|p| p.into_iter().collect());
            ProxyInfo::default()
                .with_overrides(proxy_domain, registry_domain)
                .rewrite_private_images(
                    &found.workload_images,
                    |i| private.as_ref().is_none_or(|p| p.contains(i)),
                    slug,
                )
        }
        (None, None) => {
            return Err(PyValueError::new_err(
                "give registry=\"HOST[/NAMESPACE]\" or proxy_app_slug=...",
            ))
        }
    };
    let images = image::kustomization_images(entries.map_err(|e| to_py(py, e))?);
    let rewritten = ImageRewriter::new(images.clone()).rewrite_objects(&mut objects, mode);
    let manifests: Vec<serde_json::Value> = objects.into_iter().map(Object::into_value).collect();
    let images = serde_json::to_value(images);
    to_py_value(
        py,
        images.map(
            |i| serde_json::json!({"manifests": manifests, "images": i, "rewritten": rewritten}),
        ),
    )
}

/// The source → destination copies of an airgap push: `[{image, source, destination,
/// preserveDigests}]`, the bundle's temporary registry listening on `port`.
#[pyfunction]
fn airgap_push_mappings(
    py: Python<'_>,
    saved_images: Vec<String>,
    registry: &str,
    port: u16,
) -> PyResult<Py<PyAny>> {
    let mappings = image::push_mappings(&saved_images, &Registry::parse(registry), port)
        .map_err(|e| to_py(py, e))?;
    to_py_value(py, serde_json::to_value(mappings))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_image_reference, m)?)?;
    m.add_function(wrap_pyfunction!(dest_image, m)?)?;
    m.add_function(wrap_pyfunction!(kustomize_images, m)?)?;
    m.add_function(wrap_pyfunction!(local_image_name, m)?)?;
    m.add_function(wrap_pyfunction!(docker_config_json, m)?)?;
    m.add_function(wrap_pyfunction!(pull_secrets, m)?)?;
    m.add_function(wrap_pyfunction!(discover_images, m)?)?;
    m.add_function(wrap_pyfunction!(rewrite_images, m)?)?;
    m.add_function(wrap_pyfunction!(airgap_push_mappings, m)?)?;
    Ok(())
}
