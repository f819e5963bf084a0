//! Progress reporting and cancellation for long transfers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::RegistryError;

/// What just happened. Every event comes with the running totals in [`Progress`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// The work is known: `blobs_total` / `bytes_total` are set.
    Planned,
    /// Bytes of blob `digest` were transferred (reported at most every 1 MiB and at the end).
    Bytes {
        /// Blob digest.
        digest: String,
    },
    /// Blob `digest` is done; `how` is `copied`, `exists` (skipped) or `mounted`.
    BlobDone {
        /// Blob digest.
        digest: String,
        /// How the blob got there.
        how: BlobOutcome,
    },
    /// A request failed with a retryable error; it is tried again after a pause.
    Retry {
        /// What was being done (`blob sha256:...`, `manifest ...`).
        what: String,
        /// Attempt number that failed (1-based).
        attempt: u32,
        /// The error.
        error: String,
    },
    /// A manifest (image or index) was written.
    ManifestDone {
        /// Manifest digest.
        digest: String,
    },
}

/// How a blob reached the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobOutcome {
    /// Bytes were transferred.
    Copied,
    /// The destination already had it.
    Exists,
    /// Mounted from another repository of the same registry.
    Mounted,
}

/// A progress report: the event plus totals so far.
///
/// ```
/// use kots_registry::{Progress, ProgressEvent};
/// let p = Progress { event: ProgressEvent::Planned, blobs_done: 0, blobs_total: 3, bytes_done: 0, bytes_total: 10 };
/// assert_eq!(serde_json::to_value(&p).unwrap()["event"], "planned");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// What happened.
    #[serde(flatten)]
    pub event: ProgressEvent,
    /// Blobs finished (copied, skipped or mounted).
    pub blobs_done: u64,
    /// Blobs to handle.
    pub blobs_total: u64,
    /// Bytes transferred or found present.
    pub bytes_done: u64,
    /// Bytes of all blobs.
    pub bytes_total: u64,
}

/// A progress callback.
pub type ProgressFn = dyn Fn(&Progress) + Send + Sync;

/// Cancels running operations: clone it, hand a clone to the operation, call [`Cancel::cancel`].
///
/// ```
/// use kots_registry::Cancel;
/// let c = Cancel::new();
/// let c2 = c.clone();
/// c2.cancel();
/// assert!(c.is_cancelled());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Cancel(CancellationToken);

impl Cancel {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel every operation holding this token (or a clone).
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    pub(crate) fn check(&self) -> Result<(), RegistryError> {
        if self.is_cancelled() {
            Err(RegistryError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Run `fut` unless the token is cancelled first.
    pub(crate) async fn run<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, RegistryError>>,
    ) -> Result<T, RegistryError> {
        tokio::select! {
            biased;
            _ = self.0.cancelled() => Err(RegistryError::Cancelled),
            r = fut => r,
        }
    }
}

/// Shared counters behind the progress callback.
#[derive(Clone)]
pub(crate) struct Tracker {
    inner: Arc<TrackerInner>,
}

struct TrackerInner {
    callback: Option<Arc<ProgressFn>>,
    blobs_done: AtomicU64,
    blobs_total: AtomicU64,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
}

impl Tracker {
    pub(crate) fn new(callback: Option<Arc<ProgressFn>>) -> Self {
        Tracker {
            inner: Arc::new(TrackerInner {
                callback,
                blobs_done: AtomicU64::new(0),
                blobs_total: AtomicU64::new(0),
                bytes_done: AtomicU64::new(0),
                bytes_total: AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn plan(&self, blobs: u64, bytes: u64) {
        self.inner.blobs_total.fetch_add(blobs, Ordering::Relaxed);
        self.inner.bytes_total.fetch_add(bytes, Ordering::Relaxed);
        self.emit(ProgressEvent::Planned);
    }

    pub(crate) fn bytes(&self, digest: &str, n: u64) {
        self.inner.bytes_done.fetch_add(n, Ordering::Relaxed);
        self.emit(ProgressEvent::Bytes {
            digest: digest.to_string(),
        });
    }

    /// Take back bytes counted for an attempt that failed and will be retried.
    pub(crate) fn unbytes(&self, n: u64) {
        self.inner.bytes_done.fetch_sub(n, Ordering::Relaxed);
    }

    pub(crate) fn blob_done(&self, digest: &str, how: BlobOutcome, uncounted_bytes: u64) {
        self.inner
            .bytes_done
            .fetch_add(uncounted_bytes, Ordering::Relaxed);
        self.inner.blobs_done.fetch_add(1, Ordering::Relaxed);
        self.emit(ProgressEvent::BlobDone {
            digest: digest.to_string(),
            how,
        });
    }

    pub(crate) fn emit(&self, event: ProgressEvent) {
        if let Some(cb) = &self.inner.callback {
            cb(&Progress {
                event,
                blobs_done: self.inner.blobs_done.load(Ordering::Relaxed),
                blobs_total: self.inner.blobs_total.load(Ordering::Relaxed),
                bytes_done: self.inner.bytes_done.load(Ordering::Relaxed),
                bytes_total: self.inner.bytes_total.load(Ordering::Relaxed),
            });
        }
    }
}
