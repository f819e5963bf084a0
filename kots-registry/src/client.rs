//! The registry client: connection setup (TLS, plain HTTP, credentials), error mapping and retries.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::RegistryOperation;

use crate::progress::{ProgressEvent, Tracker};
use crate::reference::is_loopback_host;
use crate::{Auth, Cancel, ImageRef, RegistryError};

/// How registries are reached.
///
/// ```
/// use kots_registry::RegistryOptions;
/// let o = RegistryOptions { plain_http: true, ..Default::default() };
/// assert_eq!(o.concurrency, 4);
/// ```
#[derive(Clone, Debug)]
pub struct RegistryOptions {
    /// Credentials per registry.
    pub auth: Auth,
    /// PEM file with extra CA certificates to trust (added to the system roots).
    pub ca_file: Option<PathBuf>,
    /// Use plain HTTP for every registry. Without it, only `localhost`/loopback registries that do not
    /// answer TLS are reached over HTTP, as Docker does.
    pub plain_http: bool,
    /// Blobs transferred at the same time.
    pub concurrency: usize,
    /// Retries after a 5xx/429 answer or a dropped connection (per request).
    pub retries: u32,
    /// First pause before a retry; doubled each time.
    pub retry_delay: Duration,
    /// Connection timeout.
    pub connect_timeout: Duration,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            auth: Auth::default(),
            ca_file: None,
            plain_http: false,
            concurrency: 4,
            retries: 3,
            retry_delay: Duration::from_millis(250),
            connect_timeout: Duration::from_secs(30),
        }
    }
}

/// A registry client. Cheap to clone; all operations are `async` (see [`crate::blocking`] for a
/// synchronous wrapper).
///
/// ```no_run
/// # async fn f() -> Result<(), kots_registry::RegistryError> {
/// use kots_registry::{Registry, RegistryOptions};
/// let reg = Registry::new(RegistryOptions::default())?;
/// let digest = reg.digest(&"127.0.0.1:5000/app/api:1.0".parse()?, &Default::default()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Registry {
    pub(crate) opts: Arc<RegistryOptions>,
    ca: Arc<Vec<Certificate>>,
    /// Loopback hosts found to speak plain HTTP (true) or TLS (false).
    plain: Arc<Mutex<HashMap<String, bool>>>,
}

impl Registry {
    /// A client with `opts`; reads the CA file now.
    pub fn new(opts: RegistryOptions) -> Result<Self, RegistryError> {
        let ca = match &opts.ca_file {
            Some(path) => {
                let data = std::fs::read(path).map_err(|e| RegistryError::io(path, e))?;
                if !String::from_utf8_lossy(&data).contains("-----BEGIN CERTIFICATE-----") {
                    return Err(RegistryError::Config {
                        path: path.clone(),
                        reason: "no PEM certificate in the CA file".into(),
                    });
                }
                vec![Certificate {
                    encoding: CertificateEncoding::Pem,
                    data,
                }]
            }
            None => Vec::new(),
        };
        Ok(Registry {
            opts: Arc::new(opts),
            ca: Arc::new(ca),
            plain: Arc::default(),
        })
    }

    /// The options this client was made with.
    pub fn options(&self) -> &RegistryOptions {
        &self.opts
    }

    fn config(&self, protocol: ClientProtocol) -> ClientConfig {
        ClientConfig {
            protocol,
            extra_root_certificates: self.ca.as_ref().clone(),
            // One PUT per blob, streamed: the fastest upload, and what skopeo does too.
            use_monolithic_push: true,
            connect_timeout: Some(self.opts.connect_timeout),
            max_concurrent_upload: self.opts.concurrency.max(1),
            max_concurrent_download: self.opts.concurrency.max(1),
            ..Default::default()
        }
    }

    /// An oci-client for talking to the registries of `images`, with their credentials stored.
    pub(crate) async fn connect(
        &self,
        images: &[&ImageRef],
    ) -> Result<oci_client::Client, RegistryError> {
        let protocol = if self.opts.plain_http {
            ClientProtocol::Http
        } else {
            let mut http_hosts = Vec::new();
            for image in images {
                if self.is_plain_http(image).await {
                    http_hosts.push(image.resolved_registry().to_string());
                }
            }
            ClientProtocol::HttpsExcept(http_hosts)
        };
        let client = oci_client::Client::try_from(self.config(protocol)).map_err(|e| {
            RegistryError::Protocol {
                registry: images
                    .first()
                    .map(|i| i.registry().to_string())
                    .unwrap_or_default(),
                repository: images
                    .first()
                    .map(|i| i.repository().to_string())
                    .unwrap_or_default(),
                message: format!("cannot set up the HTTP client: {}", chain(&e)),
            }
        })?;
        for image in images {
            let creds = self.opts.auth.for_registry(image.registry()).await?;
            client
                .store_auth_if_needed(image.resolved_registry(), &creds.to_oci())
                .await;
        }
        Ok(client)
    }

    /// Docker's rule for loopback registries: TLS if it answers TLS, else plain HTTP. Decided once per host.
    async fn is_plain_http(&self, image: &ImageRef) -> bool {
        let host = image.resolved_registry();
        if !is_loopback_host(host) {
            return false;
        }
        if let Some(known) = self.plain.lock().ok().and_then(|m| m.get(host).copied()) {
            return known;
        }
        let probe = match oci_client::Client::try_from(self.config(ClientProtocol::Https)) {
            Ok(c) => c,
            Err(_) => return true,
        };
        let anonymous = oci_client::secrets::RegistryAuth::Anonymous;
        let plain = match probe
            .auth(image.oci(), &anonymous, RegistryOperation::Pull)
            .await
        {
            Ok(_) => false,
            // A TLS server with a certificate we do not trust stays TLS, so the error says so.
            Err(OciDistributionError::RequestError(e)) => !chain(&e).contains("certificate"),
            Err(_) => false,
        };
        if let Ok(mut m) = self.plain.lock() {
            m.insert(host.to_string(), plain);
        }
        plain
    }

    /// Run `f` until it succeeds, fails for good, or the retries run out; pauses double each time.
    pub(crate) async fn retry<T, F, Fut>(
        &self,
        what: &str,
        tracker: &Tracker,
        cancel: &Cancel,
        mut f: F,
    ) -> Result<T, RegistryError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, RegistryError>>,
    {
        let mut attempt = 0u32;
        loop {
            cancel.check()?;
            match cancel.run(f()).await {
                Err(e) if e.is_retryable() && attempt < self.opts.retries => {
                    attempt += 1;
                    tracker.emit(ProgressEvent::Retry {
                        what: what.to_string(),
                        attempt,
                        error: e.to_string(),
                    });
                    let pause = self
                        .opts
                        .retry_delay
                        .saturating_mul(1 << (attempt - 1).min(8));
                    cancel
                        .run(async {
                            tokio::time::sleep(pause).await;
                            Ok(())
                        })
                        .await?;
                }
                r => return r,
            }
        }
    }
}

/// An error and its causes on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cur = c.source();
    }
    s
}

/// The messages of a distribution error body (`{"errors":[{"code":..,"message":..}]}`), else the body.
fn envelope_text(body: &str) -> String {
    match serde_json::from_str::<oci_client::errors::OciEnvelope>(body) {
        Ok(env) if !env.errors.is_empty() => env
            .errors
            .iter()
            .map(|e| format!("{:?}: {}", e.code, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        _ => body.trim().chars().take(500).collect(),
    }
}

/// Turn an oci-client error about `image` into ours, naming the registry, repository and HTTP status.
pub(crate) fn map_oci(image: &ImageRef, e: OciDistributionError) -> RegistryError {
    let registry = image.registry().to_string();
    let repository = image.repository().to_string();
    let http = |status: u16, message: String| match status {
        404 => RegistryError::NotFound {
            registry: registry.clone(),
            repository: repository.clone(),
            reference: image.reference().to_string(),
        },
        401 | 403 => RegistryError::Unauthorized {
            registry: registry.clone(),
            repository: repository.clone(),
            status,
            message,
        },
        _ => RegistryError::Http {
            registry: registry.clone(),
            repository: repository.clone(),
            status,
            message,
        },
    };
    match e {
        OciDistributionError::ServerError { code, message, .. } => {
            http(code, envelope_text(&message))
        }
        OciDistributionError::RegistryError { envelope, .. } => {
            // The 4xx status is not kept by oci-client; the distribution error code determines it.
            let status = envelope
                .errors
                .first()
                .map(|err| match &err.code {
                    OciErrorCode::BlobUnknown
                    | OciErrorCode::ManifestUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::NotFound => 404,
                    OciErrorCode::Unauthorized => 401,
                    OciErrorCode::Denied => 403,
                    OciErrorCode::Toomanyrequests => 429,
                    OciErrorCode::Unsupported => 405,
                    _ => 400,
                })
                .unwrap_or(400);
            let message = envelope
                .errors
                .iter()
                .map(|e| format!("{:?}: {}", e.code, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            http(status, message)
        }
        OciDistributionError::UnauthorizedError { .. } => {
            http(401, "authentication required".into())
        }
        OciDistributionError::AuthenticationFailure(m) => http(401, m),
        OciDistributionError::RequestError(err) => match err.status() {
            Some(s) => http(s.as_u16(), chain(&err)),
            None => RegistryError::Connection {
                registry,
                repository,
                message: chain(&err),
            },
        },
        OciDistributionError::IoError(err) => {
            // oci-client reports a blob that does not hash to its digest as an I/O error.
            let inner = err
                .get_ref()
                .and_then(|i| i.downcast_ref::<oci_client::errors::DigestError>());
            if let Some(oci_client::errors::DigestError::VerificationError { expected, actual }) =
                inner
            {
                return RegistryError::DigestMismatch {
                    registry,
                    repository,
                    expected: expected.clone(),
                    actual: actual.clone(),
                };
            }
            RegistryError::Connection {
                registry,
                repository,
                message: chain(&err),
            }
        }
        OciDistributionError::DigestError(oci_client::errors::DigestError::VerificationError {
            expected,
            actual,
        }) => RegistryError::DigestMismatch {
            registry,
            repository,
            expected,
            actual,
        },
        other => RegistryError::Protocol {
            registry,
            repository,
            message: chain(&other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_kept() {
        let image: ImageRef = "127.0.0.1:5000/a/b:1".parse().unwrap();
        let e = map_oci(
            &image,
            OciDistributionError::ServerError {
                code: 502,
                url: "u".into(),
                message: "bad gateway\n".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "registry 127.0.0.1:5000, repository a/b: HTTP 502: bad gateway"
        );
        assert!(e.is_retryable());
        let e = map_oci(
            &image,
            OciDistributionError::UnauthorizedError { url: "u".into() },
        );
        assert_eq!(e.http_status(), Some(401));
        assert!(!e.is_retryable());
        let env: oci_client::errors::OciEnvelope = serde_json::from_str(
            r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
        )
        .unwrap();
        let e = map_oci(
            &image,
            OciDistributionError::RegistryError {
                envelope: env,
                url: "u".into(),
            },
        );
        assert!(
            matches!(e, RegistryError::NotFound { ref reference, .. } if reference == "1"),
            "{e}"
        );
    }
}
