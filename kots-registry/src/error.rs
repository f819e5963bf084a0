//! The error type of every registry operation.

use std::path::PathBuf;

/// Everything that can go wrong talking to a registry or reading/writing an image layout.
///
/// Network errors name the registry host and the repository; HTTP failures carry the status code.
///
/// ```
/// use kots_registry::RegistryError;
/// let e = RegistryError::Http {
///     registry: "127.0.0.1:5000".into(),
///     repository: "app/api".into(),
///     status: 503,
///     message: "unavailable".into(),
/// };
/// assert_eq!(e.to_string(), "registry 127.0.0.1:5000, repository app/api: HTTP 503: unavailable");
/// assert!(e.is_retryable());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The image reference does not follow the Docker reference grammar.
    #[error("invalid image reference {reference:?}: {reason}")]
    InvalidReference {
        /// The text that failed to parse.
        reference: String,
        /// Why.
        reason: String,
    },
    /// The registry answered with an HTTP error status.
    #[error("registry {registry}, repository {repository}: HTTP {status}: {message}")]
    Http {
        /// Registry host (with port).
        registry: String,
        /// Repository path inside the registry.
        repository: String,
        /// HTTP status code.
        status: u16,
        /// The registry's error message (its `errors[].message`, or the body).
        message: String,
    },
    /// The manifest or tag does not exist (HTTP 404).
    #[error("registry {registry}, repository {repository}: HTTP 404: {reference} not found")]
    NotFound {
        /// Registry host.
        registry: String,
        /// Repository path.
        repository: String,
        /// Tag or digest that was asked for.
        reference: String,
    },
    /// The registry refused the credentials, or demanded some (HTTP 401/403).
    #[error("registry {registry}, repository {repository}: HTTP {status}: authentication failed: {message}")]
    Unauthorized {
        /// Registry host.
        registry: String,
        /// Repository path.
        repository: String,
        /// 401 or 403.
        status: u16,
        /// Detail from the registry or the token service.
        message: String,
    },
    /// The registry could not be reached, or the connection dropped (TLS failures included).
    #[error("registry {registry}, repository {repository}: connection failed: {message}")]
    Connection {
        /// Registry host.
        registry: String,
        /// Repository path.
        repository: String,
        /// The transport error, with its causes.
        message: String,
    },
    /// Content did not hash to the digest it was announced with.
    #[error("registry {registry}, repository {repository}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// Registry host (or the layout path).
        registry: String,
        /// Repository path.
        repository: String,
        /// Announced digest.
        expected: String,
        /// Digest of the bytes received.
        actual: String,
    },
    /// A manifest that is not an OCI/Docker v2 image manifest or index, or that is malformed.
    #[error("registry {registry}, repository {repository}: manifest {digest}: {reason}")]
    InvalidManifest {
        /// Registry host (or the layout path).
        registry: String,
        /// Repository path.
        repository: String,
        /// Digest (or tag) of the manifest.
        digest: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An image index has no manifest for the requested platform.
    #[error("registry {registry}, repository {repository}: no image found in manifest list for platform {platform}")]
    PlatformNotFound {
        /// Registry host.
        registry: String,
        /// Repository path.
        repository: String,
        /// `os/architecture[/variant]` that was asked for.
        platform: String,
    },
    /// Any other registry protocol failure.
    #[error("registry {registry}, repository {repository}: {message}")]
    Protocol {
        /// Registry host.
        registry: String,
        /// Repository path.
        repository: String,
        /// What went wrong.
        message: String,
    },
    /// An OCI image layout directory is malformed.
    #[error("OCI layout {path}: {reason}")]
    Layout {
        /// The layout directory or the file inside it.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A docker `config.json` or CA file could not be used.
    #[error("{path}: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A docker credential helper (`credsStore` / `credHelpers` of a config.json) failed, timed out
    /// or answered something that is not credentials.
    #[error("registry {registry}: credential helper {helper}: {reason}")]
    CredentialHelper {
        /// The program run, `docker-credential-<name>`.
        helper: String,
        /// The registry host the credentials were asked for.
        registry: String,
        /// What went wrong (exit status and the helper's message, or the timeout).
        reason: String,
    },
    /// The caller cancelled the operation.
    #[error("operation cancelled")]
    Cancelled,
}

impl RegistryError {
    /// Whether retrying the same request may succeed: 5xx, 429 and dropped or refused connections.
    pub fn is_retryable(&self) -> bool {
        match self {
            RegistryError::Http { status, .. } => *status >= 500 || *status == 429,
            RegistryError::Connection { .. } => true,
            _ => false,
        }
    }

    /// The HTTP status behind this error, when there is one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            RegistryError::Http { status, .. } | RegistryError::Unauthorized { status, .. } => {
                Some(*status)
            }
            RegistryError::NotFound { .. } => Some(404),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        RegistryError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn layout(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        RegistryError::Layout {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
