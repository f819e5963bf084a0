//! `kots.Registry` (blocking OCI registry client) and `kots.CancelToken`.
//!
//! Calls release the GIL while they wait on the network; progress callbacks take it back briefly. An
//! exception raised by a progress callback cancels the transfer and is re-raised to the caller.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kots_registry::blocking::Registry as Blocking;
use kots_registry::{
    Auth, Cancel, Credentials, DockerConfig, ImageRef, Progress, ProgressFn, RegistryError,
    RegistryOptions, TransferOptions,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::convert::json_to_py;
use crate::errors;

/// The variant name used as `err.kind` in Python.
fn kind(e: &RegistryError) -> &'static str {
    match e {
        RegistryError::InvalidReference { .. } => "invalid_reference",
        RegistryError::Http { .. } => "http",
        RegistryError::NotFound { .. } => "not_found",
        RegistryError::Unauthorized { .. } => "unauthorized",
        RegistryError::Connection { .. } => "connection",
        RegistryError::DigestMismatch { .. } => "digest_mismatch",
        RegistryError::InvalidManifest { .. } => "invalid_manifest",
        RegistryError::PlatformNotFound { .. } => "platform_not_found",
        RegistryError::Protocol { .. } => "protocol",
        RegistryError::Layout { .. } => "layout",
        RegistryError::Io { .. } => "io",
        RegistryError::Config { .. } => "config",
        RegistryError::CredentialHelper { .. } => "credential_helper",
        RegistryError::Cancelled => "cancelled",
        _ => "other",
    }
}

fn location(e: &RegistryError) -> (Option<String>, Option<String>) {
    match e {
        RegistryError::Http {
            registry,
            repository,
            ..
        }
        | RegistryError::NotFound {
            registry,
            repository,
            ..
        }
        | RegistryError::Unauthorized {
            registry,
            repository,
            ..
        }
        | RegistryError::Connection {
            registry,
            repository,
            ..
        }
        | RegistryError::DigestMismatch {
            registry,
            repository,
            ..
        }
        | RegistryError::InvalidManifest {
            registry,
            repository,
            ..
        }
        | RegistryError::PlatformNotFound {
            registry,
            repository,
            ..
        }
        | RegistryError::Protocol {
            registry,
            repository,
            ..
        } => (Some(registry.clone()), Some(repository.clone())),
        RegistryError::CredentialHelper { registry, .. } => (Some(registry.clone()), None),
        _ => (None, None),
    }
}

/// `kots.RegistryError` with `kind`, `registry`, `repository` and `status` attributes.
fn to_py(py: Python<'_>, e: RegistryError) -> PyErr {
    let (registry, repository) = location(&e);
    let status = e.http_status();
    let err = errors::RegistryError::new_err(e.to_string());
    let mut fields: Vec<(&str, Py<PyAny>)> = Vec::new();
    let mut add = |name, v: PyResult<Py<PyAny>>| {
        if let Ok(v) = v {
            fields.push((name, v));
        }
    };
    add("kind", kind(&e).into_py_any(py));
    add("registry", registry.into_py_any(py));
    add("repository", repository.into_py_any(py));
    add("status", status.into_py_any(py));
    errors::with_fields(py, err, &fields)
}

fn parse_ref(py: Python<'_>, text: &str) -> PyResult<ImageRef> {
    text.parse().map_err(|e| to_py(py, e))
}

/// Cancels registry operations from another thread: pass it as `cancel=` and call `cancel()`.
#[pyclass(module = "kots._kots", name = "CancelToken", frozen)]
#[derive(Clone, Default)]
pub struct PyCancel(Cancel);

#[pymethods]
impl PyCancel {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Cancel every operation using this token.
    fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// A blocking OCI registry client.
#[pyclass(module = "kots._kots", name = "Registry", frozen)]
pub struct PyRegistry {
    inner: Blocking,
}

/// `{"host": ("user", "password") | {"username":..,"password":..} | {"token":..}}` → credentials.
fn auth_from(py_auth: Option<&Bound<'_, PyDict>>) -> PyResult<Auth> {
    let mut auth = Auth::default();
    let Some(dict) = py_auth else { return Ok(auth) };
    for (k, v) in dict.iter() {
        let host: String = k.extract()?;
        let creds = if let Ok(t) = v.cast::<PyTuple>() {
            let (u, p): (String, String) = t.extract()?;
            Credentials::basic(u, p)
        } else if let Ok(d) = v.cast::<PyDict>() {
            match (
                d.get_item("token")?,
                d.get_item("username")?,
                d.get_item("password")?,
            ) {
                (Some(t), None, None) => Credentials::Bearer(t.extract()?),
                (None, Some(u), Some(p)) => {
                    Credentials::basic(u.extract::<String>()?, p.extract::<String>()?)
                }
                _ => {
                    return Err(PyValueError::new_err(format!(
                        "auth[{host:?}]: expected {{'username','password'}} or {{'token'}}"
                    )))
                }
            }
        } else {
            return Err(PyTypeError::new_err(format!(
                "auth[{host:?}]: expected a (username, password) tuple or a dict"
            )));
        };
        auth = auth.with(host, creds);
    }
    Ok(auth)
}

/// A progress callback calling Python; its first exception is kept and cancels the transfer.
struct Callback {
    func: Option<Arc<ProgressFn>>,
    error: Arc<Mutex<Option<PyErr>>>,
}

fn callback(progress: Option<Py<PyAny>>, cancel: &Cancel) -> Callback {
    let error: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let func = progress.map(|f| {
        let (slot, cancel) = (error.clone(), cancel.clone());
        Arc::new(move |p: &Progress| {
            Python::attach(|py| {
                let value = serde_json::to_value(p).unwrap_or_default();
                let result = json_to_py(py, &value).and_then(|arg| f.call1(py, (arg,)));
                if let Err(e) = result {
                    if let Ok(mut s) = slot.lock() {
                        s.get_or_insert(e);
                    }
                    cancel.cancel();
                }
            })
        }) as Arc<ProgressFn>
    });
    Callback { func, error }
}

impl Callback {
    /// The callback's exception first, else the operation's outcome.
    fn finish<T>(self, py: Python<'_>, result: Result<T, RegistryError>) -> PyResult<T> {
        if let Some(e) = self.error.lock().ok().and_then(|mut s| s.take()) {
            return Err(e);
        }
        result.map_err(|e| to_py(py, e))
    }
}

fn report(py: Python<'_>, value: serde_json::Result<serde_json::Value>) -> PyResult<Py<PyAny>> {
    let v = value.map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_to_py(py, &v)
}

fn token(cancel: Option<&PyCancel>) -> Cancel {
    cancel.map(|c| c.0.clone()).unwrap_or_default()
}

#[pymethods]
impl PyRegistry {
    /// `auth`: `{"host:port": (user, password) | {"username", "password"} | {"token"}}`;
    /// `docker_config`: a config.json path, or `True` for the default location; its
    /// `credHelpers`/`credsStore` helpers are run as Docker runs them (`kind` `credential_helper` when
    /// one fails), each for at most `helper_timeout` seconds.
    #[new]
    #[pyo3(signature = (*, auth=None, docker_config=None, helper_timeout=30.0, ca_file=None, plain_http=false, concurrency=4, retries=3))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        auth: Option<&Bound<'_, PyDict>>,
        docker_config: Option<&Bound<'_, PyAny>>,
        helper_timeout: f64,
        ca_file: Option<PathBuf>,
        plain_http: bool,
        concurrency: usize,
        retries: u32,
    ) -> PyResult<Self> {
        let mut auth = auth_from(auth)?;
        let docker = match docker_config {
            None => None,
            Some(v) if v.extract::<bool>().is_ok() => {
                if v.extract::<bool>()? {
                    DockerConfig::load_default().map_err(|e| to_py(py, e))?
                } else {
                    None
                }
            }
            Some(v) => {
                Some(DockerConfig::load(&v.extract::<PathBuf>()?).map_err(|e| to_py(py, e))?)
            }
        };
        let helper_timeout = Duration::try_from_secs_f64(helper_timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "helper_timeout: expected a positive number of seconds, got {helper_timeout}"
                ))
            })?;
        if let Some(d) = docker {
            auth = auth.with_docker_config(d.with_helper_timeout(helper_timeout));
        }
        let inner = Blocking::new(RegistryOptions {
            auth,
            ca_file,
            plain_http,
            concurrency: concurrency.max(1),
            retries,
            ..Default::default()
        })
        .map_err(|e| to_py(py, e))?;
        Ok(PyRegistry { inner })
    }

    /// The digest (`sha256:…`) of the manifest or index `reference` points to.
    #[pyo3(signature = (reference, *, cancel=None))]
    fn digest(
        &self,
        py: Python<'_>,
        reference: &str,
        cancel: Option<&PyCancel>,
    ) -> PyResult<String> {
        let r = parse_ref(py, reference)?;
        let c = token(cancel);
        py.detach(|| self.inner.digest(&r, &c))
            .map_err(|e| to_py(py, e))
    }

    /// Whether `reference` exists (False on HTTP 404; other failures raise).
    #[pyo3(signature = (reference, *, cancel=None))]
    fn exists(&self, py: Python<'_>, reference: &str, cancel: Option<&PyCancel>) -> PyResult<bool> {
        let r = parse_ref(py, reference)?;
        let c = token(cancel);
        py.detach(|| self.inner.exists(&r, &c))
            .map_err(|e| to_py(py, e))
    }

    /// KOTS's public/private probe: `{"image", "private", "reason"?}`.
    #[pyo3(signature = (reference, *, cancel=None))]
    fn probe_private(
        &self,
        py: Python<'_>,
        reference: &str,
        cancel: Option<&PyCancel>,
    ) -> PyResult<Py<PyAny>> {
        let r = parse_ref(py, reference)?;
        let c = token(cancel);
        let privacy = py
            .detach(|| self.inner.probe_private(&r, &c))
            .map_err(|e| to_py(py, e))?;
        report(py, serde_json::to_value(&privacy))
    }

    /// The tags of `repository` (`host/path`).
    #[pyo3(signature = (repository, *, cancel=None))]
    fn list_tags(
        &self,
        py: Python<'_>,
        repository: &str,
        cancel: Option<&PyCancel>,
    ) -> PyResult<Vec<String>> {
        let r = ImageRef::parse_repository(repository).map_err(|e| to_py(py, e))?;
        let c = token(cancel);
        py.detach(|| self.inner.list_tags(&r, &c))
            .map_err(|e| to_py(py, e))
    }

    /// Copy `src` to `dst`; returns the copy report. `progress(event: dict)` is called during the copy.
    #[pyo3(signature = (src, dst, *, all_platforms=false, platform=None, progress=None, cancel=None))]
    #[allow(clippy::too_many_arguments)]
    fn copy(
        &self,
        py: Python<'_>,
        src: &str,
        dst: &str,
        all_platforms: bool,
        platform: Option<&str>,
        progress: Option<Py<PyAny>>,
        cancel: Option<&PyCancel>,
    ) -> PyResult<Py<PyAny>> {
        let (s, d) = (parse_ref(py, src)?, parse_ref(py, dst)?);
        let platform = platform
            .map(str::parse)
            .transpose()
            .map_err(PyValueError::new_err)?;
        let c = token(cancel);
        let cb = callback(progress, &c);
        let opts = TransferOptions {
            all_platforms,
            platform,
            progress: cb.func.clone(),
            cancel: c,
        };
        let result = py.detach(|| self.inner.copy(&s, &d, &opts));
        let r = cb.finish(py, result)?;
        report(py, serde_json::to_value(&r))
    }

    /// Push every named image of the OCI layout `directory` to `repository`; returns one report each.
    #[pyo3(signature = (directory, repository, *, progress=None, cancel=None))]
    fn push_layout(
        &self,
        py: Python<'_>,
        directory: PathBuf,
        repository: &str,
        progress: Option<Py<PyAny>>,
        cancel: Option<&PyCancel>,
    ) -> PyResult<Py<PyAny>> {
        let repo = ImageRef::parse_repository(repository).map_err(|e| to_py(py, e))?;
        let c = token(cancel);
        let cb = callback(progress, &c);
        let opts = TransferOptions {
            progress: cb.func.clone(),
            cancel: c,
            ..Default::default()
        };
        let result = py.detach(|| self.inner.push_layout(&directory, &repo, &opts));
        let r = cb.finish(py, result)?;
        report(py, serde_json::to_value(&r))
    }

    /// Save `reference` into the OCI layout `directory` (created if missing); returns the report.
    #[pyo3(signature = (reference, directory, *, all_platforms=true, progress=None, cancel=None))]
    fn export_layout(
        &self,
        py: Python<'_>,
        reference: &str,
        directory: PathBuf,
        all_platforms: bool,
        progress: Option<Py<PyAny>>,
        cancel: Option<&PyCancel>,
    ) -> PyResult<Py<PyAny>> {
        let r = parse_ref(py, reference)?;
        let c = token(cancel);
        let cb = callback(progress, &c);
        let opts = TransferOptions {
            all_platforms,
            progress: cb.func.clone(),
            cancel: c,
            ..Default::default()
        };
        let result = py.detach(|| self.inner.export_layout(&r, &directory, &opts));
        let rep = cb.finish(py, result)?;
        report(py, serde_json::to_value(&rep))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRegistry>()?;
    m.add_class::<PyCancel>()?;
    Ok(())
}
