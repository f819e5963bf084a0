//! OCI registry operations for KOTS: resolve tags to digests, probe whether images exist and whether they are
//! public (KOTS's `IsPrivateImage`), list tags, copy images and whole multi-platform indexes between
//! registries with their digests unchanged, and push/export airgap OCI image layouts.
//!
//! This is the only crate of the SDK that does network I/O. It is `async` (tokio); [`blocking`] wraps it for
//! synchronous callers. Registries on `localhost`/loopback addresses are reached over plain HTTP when they do
//! not speak TLS (Docker's rule); [`RegistryOptions::plain_http`] forces plain HTTP everywhere.
//!
//! ```no_run
//! use kots_registry::{blocking, RegistryOptions, TransferOptions};
//! let reg = blocking::Registry::new(RegistryOptions::default())?;
//! let report = reg.copy(
//!     &"127.0.0.1:5000/app/api:1.0".parse()?,
//!     &"127.0.0.1:5001/mirror/api:1.0".parse()?,
//!     &TransferOptions { all_platforms: true, ..Default::default() },
//! )?;
//! println!("{} ({} blobs copied)", report.digest, report.blobs_copied);
//! # Ok::<(), kots_registry::RegistryError>(())
//! ```
#![forbid(unsafe_code)]

mod auth;
pub mod blocking;
mod client;
mod error;
mod layout;
mod manifest;
mod ops;
mod progress;
mod reference;
mod transfer;

pub use auth::{Auth, Credentials, DockerConfig, HELPER_TIMEOUT};
pub use client::{Registry, RegistryOptions};
pub use error::RegistryError;
pub use layout::REF_NAME;
pub use manifest::{
    sha256_digest, Descriptor, Platform, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST,
};
pub use ops::Privacy;
pub use progress::{BlobOutcome, Cancel, Progress, ProgressEvent, ProgressFn};
pub use reference::ImageRef;
pub use transfer::{CopyReport, TransferOptions};
