//! `Registry` (OCI registry client; every method returns a Promise) and `CancelToken`.
//!
//! Rejections carry the code `KOTS_REGISTRY_<VARIANT>` at the start of `err.message` (napi async methods
//! cannot set `err.code`): `INVALID_REFERENCE`, `HTTP`, `NOT_FOUND`, `UNAUTHORIZED`,
//! `CONNECTION`, `DIGEST_MISMATCH`, `INVALID_MANIFEST`, `PLATFORM_NOT_FOUND`, `PROTOCOL`, `LAYOUT`, `IO`,
//! `CONFIG`, `CANCELLED`; the message names the registry, the repository and the HTTP status.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use kots_registry::{
    Auth, Cancel, Credentials, DockerConfig, ImageRef, Platform, Progress, ProgressFn,
    RegistryError, RegistryOptions, TransferOptions,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Either, Status};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

fn to_js(e: RegistryError) -> napi::Error<Code> {
    let code = match &e {
        RegistryError::InvalidReference { .. } => "KOTS_REGISTRY_INVALID_REFERENCE",
        RegistryError::Http { .. } => "KOTS_REGISTRY_HTTP",
        RegistryError::NotFound { .. } => "KOTS_REGISTRY_NOT_FOUND",
        RegistryError::Unauthorized { .. } => "KOTS_REGISTRY_UNAUTHORIZED",
        RegistryError::Connection { .. } => "KOTS_REGISTRY_CONNECTION",
        RegistryError::DigestMismatch { .. } => "KOTS_REGISTRY_DIGEST_MISMATCH",
        RegistryError::InvalidManifest { .. } => "KOTS_REGISTRY_INVALID_MANIFEST",
        RegistryError::PlatformNotFound { .. } => "KOTS_REGISTRY_PLATFORM_NOT_FOUND",
        RegistryError::Protocol { .. } => "KOTS_REGISTRY_PROTOCOL",
        RegistryError::Layout { .. } => "KOTS_REGISTRY_LAYOUT",
        RegistryError::Io { .. } => "KOTS_REGISTRY_IO",
        RegistryError::Config { .. } => "KOTS_REGISTRY_CONFIG",
        RegistryError::Cancelled => "KOTS_REGISTRY_CANCELLED",
        _ => "KOTS_REGISTRY_OTHER",
    };
    js_error(code, e)
}

/// napi's `async fn` support only rejects with `Status` errors, whose JS `code` is `GenericFailure`;
/// the stable code leads the message instead: `KOTS_REGISTRY_NOT_FOUND: registry …`.
fn async_error(e: napi::Error<Code>) -> napi::Error {
    napi::Error::new(
        Status::GenericFailure,
        format!("{}: {}", e.status.0, e.reason),
    )
}

fn fail(e: RegistryError) -> napi::Error {
    async_error(to_js(e))
}

fn parse_ref(text: &str) -> napi::Result<ImageRef> {
    text.parse().map_err(fail)
}

fn parse_repo(text: &str) -> napi::Result<ImageRef> {
    ImageRef::parse_repository(text).map_err(fail)
}

fn json(value: serde_json::Result<Value>) -> napi::Result<Value> {
    value.map_err(|e| async_error(js_error("KOTS_REGISTRY_OTHER", e)))
}

/// Credentials for one registry: `{username, password}` or `{token}`.
#[napi(object)]
pub struct RegistryCredentials {
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
}

/// How to reach registries.
#[napi(object)]
pub struct RegistryOptionsJs {
    /// Credentials by registry host (`host:port`).
    pub auth: Option<HashMap<String, RegistryCredentials>>,
    /// A docker config.json path, or `true` for the default location.
    pub docker_config: Option<Either<String, bool>>,
    /// Extra CA certificates (PEM file).
    pub ca_file: Option<String>,
    /// Plain HTTP for every registry (loopback registries without TLS use it anyway).
    pub plain_http: Option<bool>,
    /// Blobs transferred at once (default 4).
    pub concurrency: Option<u32>,
    /// Retries on 5xx and dropped connections (default 3).
    pub retries: Option<u32>,
}

/// Copy options.
#[napi(object)]
pub struct CopyOptions {
    /// Copy an index with every platform (digest preserved).
    pub all_platforms: Option<bool>,
    /// `os/arch[/variant]` picked out of an index otherwise (default `linux/amd64`).
    pub platform: Option<String>,
}

/// Cancels registry operations: pass it to a method, then call `cancel()`.
#[napi]
#[derive(Default)]
pub struct CancelToken(Cancel);

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel every operation using this token; their Promises reject with `KOTS_REGISTRY_CANCELLED`.
    #[napi]
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// Progress callback: receives `{event, blobs_done, blobs_total, bytes_done, bytes_total, ...}`.
type ProgressCallback = ThreadsafeFunction<Value, napi::Unknown<'static>, Value, Status, false>;

fn progress_fn(cb: Option<ProgressCallback>) -> Option<Arc<ProgressFn>> {
    let cb = Arc::new(cb?);
    Some(Arc::new(move |p: &Progress| {
        if let Ok(v) = serde_json::to_value(p) {
            cb.call(v, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }))
}

fn token(cancel: Option<&CancelToken>) -> Cancel {
    cancel.map(|c| c.0.clone()).unwrap_or_default()
}

/// The client for `options`, or the error every call will reject with.
fn build(options: Option<RegistryOptionsJs>) -> napi::Result<kots_registry::Registry, Code> {
    let o = options.unwrap_or(RegistryOptionsJs {
        auth: None,
        docker_config: None,
        ca_file: None,
        plain_http: None,
        concurrency: None,
        retries: None,
    });
    let mut auth = Auth::default();
    match o.docker_config {
        Some(Either::A(path)) => {
            auth = auth.with_docker_config(DockerConfig::load(path.as_ref()).map_err(to_js)?)
        }
        Some(Either::B(true)) => {
            if let Some(d) = DockerConfig::load_default().map_err(to_js)? {
                auth = auth.with_docker_config(d);
            }
        }
        _ => {}
    }
    for (host, c) in o.auth.unwrap_or_default() {
        let creds = match (c.username, c.password, c.token) {
            (Some(u), Some(p), None) => Credentials::basic(u, p),
            (None, None, Some(t)) => Credentials::Bearer(t),
            _ => {
                return Err(js_error(
                    "KOTS_REGISTRY_CONFIG",
                    format!("auth[{host:?}]: expected {{username, password}} or {{token}}"),
                ))
            }
        };
        auth = auth.with(host, creds);
    }
    let defaults = RegistryOptions::default();
    kots_registry::Registry::new(RegistryOptions {
        auth,
        ca_file: o.ca_file.map(PathBuf::from),
        plain_http: o.plain_http.unwrap_or(false),
        concurrency: o
            .concurrency
            .map_or(defaults.concurrency, |c| c.max(1) as usize),
        retries: o.retries.unwrap_or(defaults.retries),
        ..defaults
    })
    .map_err(to_js)
}

/// An OCI registry client. Registries on localhost/127.0.0.1 are reached over plain HTTP when they do not
/// speak TLS.
///
/// Invalid options (credentials shape, unreadable CA or docker config) make every call reject with
/// `KOTS_REGISTRY_CONFIG` (or `KOTS_REGISTRY_IO`): napi constructors cannot throw custom codes.
#[napi]
pub struct Registry {
    inner: Result<kots_registry::Registry, (String, String)>,
}

#[napi]
impl Registry {
    #[napi(constructor)]
    pub fn new(options: Option<RegistryOptionsJs>) -> Self {
        let inner = build(options).map_err(|e| (e.status.0.clone(), e.reason.clone()));
        Registry { inner }
    }

    fn client(&self) -> napi::Result<&kots_registry::Registry> {
        self.inner
            .as_ref()
            .map_err(|(code, message)| async_error(js_error(code, message)))
    }

    /// Resolves to the digest (`sha256:…`) of the manifest or index `reference` points to.
    #[napi]
    pub async fn digest(
        &self,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<String> {
        let r = parse_ref(&reference)?;
        self.client()?
            .digest(&r, &token(cancel))
            .await
            .map_err(fail)
    }

    /// Resolves to whether `reference` exists (`false` on HTTP 404; other failures reject).
    #[napi]
    pub async fn exists(
        &self,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<bool> {
        let r = parse_ref(&reference)?;
        self.client()?
            .exists(&r, &token(cancel))
            .await
            .map_err(fail)
    }

    /// KOTS's public/private probe: resolves to `{image, private, reason?}`.
    #[napi]
    pub async fn probe_private(
        &self,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Value> {
        let r = parse_ref(&reference)?;
        let p = self
            .client()?
            .probe_private(&r, &token(cancel))
            .await
            .map_err(fail)?;
        json(serde_json::to_value(p))
    }

    /// Resolves to the tags of `repository` (`host/path`).
    #[napi]
    pub async fn list_tags(
        &self,
        repository: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Vec<String>> {
        let r = parse_repo(&repository)?;
        self.client()?
            .list_tags(&r, &token(cancel))
            .await
            .map_err(fail)
    }

    /// Copies `src` to `dst`; resolves to the copy report.
    #[napi]
    pub async fn copy(
        &self,
        src: String,
        dst: String,
        options: Option<CopyOptions>,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Value> {
        let (s, d) = (parse_ref(&src)?, parse_ref(&dst)?);
        let (all_platforms, platform) = match options {
            Some(o) => (o.all_platforms.unwrap_or(false), o.platform),
            None => (false, None),
        };
        let platform: Option<Platform> = platform
            .map(|p| p.parse())
            .transpose()
            .map_err(|e: String| async_error(js_error("KOTS_REGISTRY_INVALID_PLATFORM", e)))?;
        let opts = TransferOptions {
            all_platforms,
            platform,
            progress: progress_fn(progress),
            cancel: token(cancel),
        };
        let report = self.client()?.copy(&s, &d, &opts).await.map_err(fail)?;
        json(serde_json::to_value(report))
    }

    /// Pushes every named image of the OCI layout `directory` to `repository`; resolves to the reports.
    #[napi]
    pub async fn push_layout(
        &self,
        directory: String,
        repository: String,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Value> {
        let repo = parse_repo(&repository)?;
        let opts = TransferOptions {
            progress: progress_fn(progress),
            cancel: token(cancel),
            ..Default::default()
        };
        let reports = self
            .client()?
            .push_layout(directory.as_ref(), &repo, &opts)
            .await
            .map_err(fail)?;
        json(serde_json::to_value(reports))
    }

    /// Saves `reference` (every platform) into the OCI layout `directory`; resolves to the report.
    #[napi]
    pub async fn export_layout(
        &self,
        reference: String,
        directory: String,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<Value> {
        let r = parse_ref(&reference)?;
        let opts = TransferOptions {
            all_platforms: true,
            progress: progress_fn(progress),
            cancel: token(cancel),
            ..Default::default()
        };
        let report = self
            .client()?
            .export_layout(&r, directory.as_ref(), &opts)
            .await
            .map_err(fail)?;
        json(serde_json::to_value(report))
    }
}
