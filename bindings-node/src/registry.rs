//! `Registry` (OCI registry client; every method returns a Promise) and `CancelToken`.
//!
//! Rejections are `Error`s whose `err.code` is `KOTS_REGISTRY_<VARIANT>`: `INVALID_REFERENCE`, `HTTP`,
//! `NOT_FOUND`, `UNAUTHORIZED`, `CONNECTION`, `DIGEST_MISMATCH`, `INVALID_MANIFEST`,
//! `PLATFORM_NOT_FOUND`, `INVALID_PLATFORM`, `PROTOCOL`, `LAYOUT`, `IO`, `CONFIG`,
//! `CREDENTIAL_HELPER`, `CANCELLED`, `OTHER`; the message names the registry, the repository and
//! the HTTP status.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kots_registry::{
    Auth, Cancel, Credentials, DockerConfig, ImageRef, Platform, Progress, ProgressFn,
    RegistryError, RegistryOptions, TransferOptions,
};
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Either, Env, JsValue, Status};
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
        RegistryError::CredentialHelper { .. } => "KOTS_REGISTRY_CREDENTIAL_HELPER",
        RegistryError::Cancelled => "KOTS_REGISTRY_CANCELLED",
        _ => "KOTS_REGISTRY_OTHER",
    };
    js_error(code, e)
}

/// What an operation settles with: the value, or the error its Promise rejects with.
type Outcome<T> = Result<T, napi::Error<Code>>;

/// Runs `operation` on napi's tokio runtime and returns its Promise.
///
/// napi's `async fn` support (and `AsyncTask`) reject only with `Status` errors, whose JS `code` is
/// `GenericFailure`. So the future never fails as far as napi is concerned: it resolves to an
/// [`Outcome`], and the callback (on the JS thread) turns a failure into a JS `Error` with our
/// `code`, handed back to napi as a JS value, which napi rejects the Promise with verbatim.
fn spawn<'env, T>(
    env: &'env Env,
    operation: impl Future<Output = Outcome<T>> + Send + 'static,
) -> napi::Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
{
    env.spawn_future_with_callback(
        async move { Ok::<_, napi::Error>(operation.await) },
        |env, outcome| outcome.map_err(|e| coded_rejection(env, e)),
    )
}

/// A JS `Error` with `.code` and `.message` from `e`, wrapped so napi rejects with that object.
fn coded_rejection(env: &Env, e: napi::Error<Code>) -> napi::Error {
    let coded = env
        .create_error(napi::Error::new(Status::GenericFailure, e.reason.clone()))
        .and_then(|mut error| {
            error.set("code", e.status.0.as_str())?;
            Ok(error)
        });
    match coded {
        Ok(error) => napi::Error::from(error.to_unknown()),
        // Creating the object failed (the environment is shutting down): keep the message.
        Err(_) => napi::Error::new(
            Status::GenericFailure,
            format!("{}: {}", e.status.0, e.reason),
        ),
    }
}

fn parse_ref(text: &str) -> Outcome<ImageRef> {
    text.parse().map_err(to_js)
}

fn parse_repo(text: &str) -> Outcome<ImageRef> {
    ImageRef::parse_repository(text).map_err(to_js)
}

fn json(value: serde_json::Result<Value>) -> Outcome<Value> {
    value.map_err(|e| js_error("KOTS_REGISTRY_OTHER", e))
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
    /// A docker config.json path, or `true` for the default location. Its `credHelpers` /
    /// `credsStore` helpers are run as Docker runs them (`KOTS_REGISTRY_CREDENTIAL_HELPER` when one fails).
    pub docker_config: Option<Either<String, bool>>,
    /// How long a docker credential helper may run, in milliseconds (default 30,000).
    pub helper_timeout_ms: Option<u32>,
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
        helper_timeout_ms: None,
        ca_file: None,
        plain_http: None,
        concurrency: None,
        retries: None,
    });
    let mut auth = Auth::default();
    let docker = match o.docker_config {
        Some(Either::A(path)) => Some(DockerConfig::load(path.as_ref()).map_err(to_js)?),
        Some(Either::B(true)) => DockerConfig::load_default().map_err(to_js)?,
        _ => None,
    };
    if let Some(d) = docker {
        let timeout = o
            .helper_timeout_ms
            .map(|ms| Duration::from_millis(ms.into()));
        auth = auth.with_docker_config(match timeout {
            Some(t) => d.with_helper_timeout(t),
            None => d,
        });
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
/// Every method returns a Promise that rejects with an `Error` whose `code` is one of
/// `KOTS_REGISTRY_INVALID_REFERENCE`, `_HTTP`, `_NOT_FOUND`, `_UNAUTHORIZED`, `_CONNECTION`,
/// `_DIGEST_MISMATCH`, `_INVALID_MANIFEST`, `_PLATFORM_NOT_FOUND`, `_INVALID_PLATFORM`, `_PROTOCOL`,
/// `_LAYOUT`, `_IO`, `_CONFIG`, `_CREDENTIAL_HELPER`, `_CANCELLED`, `_OTHER`; the message names the
/// registry, the repository and the HTTP status.
///
/// Invalid options (credentials shape, unreadable CA or docker config) make every call reject with
/// `KOTS_REGISTRY_CONFIG` (or `KOTS_REGISTRY_IO`) rather than the constructor throwing.
#[napi]
pub struct Registry {
    inner: Outcome<kots_registry::Registry>,
}

#[napi]
impl Registry {
    #[napi(constructor)]
    pub fn new(options: Option<RegistryOptionsJs>) -> Self {
        Registry {
            inner: build(options),
        }
    }

    /// A handle on the client for a spawned operation (the client is cheap to clone).
    fn client(&self) -> Outcome<kots_registry::Registry> {
        match &self.inner {
            Ok(client) => Ok(client.clone()),
            Err(e) => Err(js_error(&e.status.0, &e.reason)),
        }
    }

    /// Resolves to the digest (`sha256:…`) of the manifest or index `reference` points to.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn digest<'env>(
        &self,
        env: &'env Env,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let r = parse_ref(&reference)?;
            client?.digest(&r, &cancel).await.map_err(to_js)
        })
    }

    /// Resolves to whether `reference` exists (`false` on HTTP 404; other failures reject).
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn exists<'env>(
        &self,
        env: &'env Env,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let r = parse_ref(&reference)?;
            client?.exists(&r, &cancel).await.map_err(to_js)
        })
    }

    /// KOTS's public/private probe: resolves to `{image, private, reason?}`.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn probe_private<'env>(
        &self,
        env: &'env Env,
        reference: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let r = parse_ref(&reference)?;
            let p = client?.probe_private(&r, &cancel).await.map_err(to_js)?;
            json(serde_json::to_value(p))
        })
    }

    /// Resolves to the tags of `repository` (`host/path`).
    #[napi(ts_return_type = "Promise<Array<string>>")]
    pub fn list_tags<'env>(
        &self,
        env: &'env Env,
        repository: String,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Vec<String>>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let r = parse_repo(&repository)?;
            client?.list_tags(&r, &cancel).await.map_err(to_js)
        })
    }

    /// Copies `src` to `dst`; resolves to the copy report.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn copy<'env>(
        &self,
        env: &'env Env,
        src: String,
        dst: String,
        options: Option<CopyOptions>,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let (s, d) = (parse_ref(&src)?, parse_ref(&dst)?);
            let (all_platforms, platform) = match options {
                Some(o) => (o.all_platforms.unwrap_or(false), o.platform),
                None => (false, None),
            };
            let platform: Option<Platform> = platform
                .map(|p| p.parse())
                .transpose()
                .map_err(|e: String| js_error("KOTS_REGISTRY_INVALID_PLATFORM", e))?;
            let opts = TransferOptions {
                all_platforms,
                platform,
                progress: progress_fn(progress),
                cancel,
            };
            let report = client?.copy(&s, &d, &opts).await.map_err(to_js)?;
            json(serde_json::to_value(report))
        })
    }

    /// Pushes every named image of the OCI layout `directory` to `repository`; resolves to the reports.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn push_layout<'env>(
        &self,
        env: &'env Env,
        directory: String,
        repository: String,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let repo = parse_repo(&repository)?;
            let opts = TransferOptions {
                progress: progress_fn(progress),
                cancel,
                ..Default::default()
            };
            let reports = client?
                .push_layout(directory.as_ref(), &repo, &opts)
                .await
                .map_err(to_js)?;
            json(serde_json::to_value(reports))
        })
    }

    /// Saves `reference` (every platform) into the OCI layout `directory`; resolves to the report.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn export_layout<'env>(
        &self,
        env: &'env Env,
        reference: String,
        directory: String,
        progress: Option<ProgressCallback>,
        cancel: Option<&CancelToken>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, cancel) = (self.client(), token(cancel));
        spawn(env, async move {
            let r = parse_ref(&reference)?;
            let opts = TransferOptions {
                all_platforms: true,
                progress: progress_fn(progress),
                cancel,
                ..Default::default()
            };
            let report = client?
                .export_layout(&r, directory.as_ref(), &opts)
                .await
                .map_err(to_js)?;
            json(serde_json::to_value(report))
        })
    }
}
