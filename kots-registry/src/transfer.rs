//! Moving images between endpoints (a registry repository or an OCI image-layout directory): manifests are
//! copied as raw bytes, blobs are streamed, so every digest is preserved.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use oci_client::errors::OciDistributionError;
use oci_client::secrets::RegistryAuth;

use crate::client::map_oci;
use crate::layout::Layout;
use crate::manifest::{Content, Descriptor, Platform, RawManifest, ACCEPTED};
use crate::progress::{BlobOutcome, ProgressFn, Tracker};
use crate::{Cancel, ImageRef, Registry, RegistryError};

/// Options for copies, pushes and exports.
///
/// ```
/// use kots_registry::TransferOptions;
/// let o = TransferOptions { all_platforms: true, ..Default::default() };
/// assert!(o.platform.is_none());
/// ```
#[derive(Clone, Default)]
pub struct TransferOptions {
    /// Copy an image index with every platform in it (the index digest is preserved). Without it, the image
    /// for [`TransferOptions::platform`] is picked out of an index and copied alone.
    pub all_platforms: bool,
    /// Platform to pick out of an index when not copying all platforms (default `linux/amd64`).
    pub platform: Option<Platform>,
    /// Called for every [`crate::Progress`] event, from the transfer's threads.
    pub progress: Option<Arc<ProgressFn>>,
    /// Cancels the transfer.
    pub cancel: Cancel,
}

impl std::fmt::Debug for TransferOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferOptions")
            .field("all_platforms", &self.all_platforms)
            .field("platform", &self.platform)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What a copy, push or export did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// Where the image came from.
    pub source: String,
    /// Where it went (tag or digest reference, or the layout directory).
    pub destination: String,
    /// Digest of the top manifest written (equal to the source digest unless one platform was picked).
    pub digest: String,
    /// Media type of the top manifest.
    pub media_type: String,
    /// Manifests written (index plus per-platform images).
    pub manifests: u64,
    /// Blobs transferred.
    pub blobs_copied: u64,
    /// Blobs the destination already had.
    pub blobs_existing: u64,
    /// Blobs mounted from another repository of the same registry.
    pub blobs_mounted: u64,
    /// Bytes transferred.
    pub bytes_copied: u64,
}

/// One side of a transfer.
pub(crate) enum Endpoint {
    Registry {
        client: oci_client::Client,
        image: ImageRef,
    },
    Layout(Layout),
}

/// Blob bytes with errors already in our terms.
type BlobStream = BoxStream<'static, Result<Bytes, RegistryError>>;

impl Endpoint {
    fn describe(&self) -> String {
        match self {
            Endpoint::Registry { image, .. } => image.to_string(),
            Endpoint::Layout(l) => l.dir().display().to_string(),
        }
    }

    /// The manifest `reference` (tag or digest; for a layout, a digest or ref name).
    async fn manifest(
        &self,
        reference: &str,
        media_type: Option<&str>,
    ) -> Result<RawManifest, RegistryError> {
        match self {
            Endpoint::Registry { client, image } => {
                let target = if reference.starts_with("sha256:") {
                    image.with_digest(reference)
                } else {
                    image.with_tag(reference)
                };
                // Credentials were stored by `Registry::connect`; the client never overwrites them.
                let (bytes, _) = client
                    .pull_manifest_raw(target.oci(), &RegistryAuth::Anonymous, ACCEPTED)
                    .await
                    .map_err(|e| map_oci(&target, e))?;
                let m = RawManifest::parse(bytes, media_type).map_err(|reason| {
                    RegistryError::InvalidManifest {
                        registry: image.registry().to_string(),
                        repository: image.repository().to_string(),
                        digest: reference.to_string(),
                        reason,
                    }
                })?;
                if reference.starts_with("sha256:") && m.digest != reference {
                    return Err(RegistryError::DigestMismatch {
                        registry: image.registry().to_string(),
                        repository: image.repository().to_string(),
                        expected: reference.to_string(),
                        actual: m.digest,
                    });
                }
                Ok(m)
            }
            Endpoint::Layout(l) => l.manifest(reference, media_type).await,
        }
    }

    async fn blob_stream(&self, desc: &Descriptor) -> Result<BlobStream, RegistryError> {
        match self {
            Endpoint::Registry { client, image } => {
                // Errors about a blob name the blob's digest, not the image's tag.
                let blob = image.with_digest(&desc.digest);
                let sized = client
                    .pull_blob_stream(image.oci(), desc.digest.as_str())
                    .await
                    .map_err(|e| map_oci(&blob, e))?;
                Ok(sized
                    .stream
                    .map_err(move |e| map_oci(&blob, OciDistributionError::IoError(e)))
                    .boxed())
            }
            Endpoint::Layout(l) => l.blob_stream(desc).await,
        }
    }

    async fn has_blob(&self, desc: &Descriptor) -> Result<bool, RegistryError> {
        match self {
            Endpoint::Registry { client, image } => client
                .blob_exists(image.oci(), &desc.digest)
                .await
                .map_err(|e| map_oci(&image.with_digest(&desc.digest), e)),
            Endpoint::Layout(l) => Ok(l.has_blob(desc)),
        }
    }

    /// Mount `desc` from `src` when both are repositories of the same registry; false when not possible.
    async fn mount(&self, src: &Endpoint, desc: &Descriptor) -> bool {
        match (self, src) {
            (Endpoint::Registry { client, image }, Endpoint::Registry { image: from, .. })
                if image.resolved_registry() == from.resolved_registry()
                    && image.repository() != from.repository() =>
            {
                client
                    .mount_blob(image.oci(), from.oci(), &desc.digest)
                    .await
                    .is_ok()
            }
            _ => false,
        }
    }

    async fn put_blob(&self, data: BlobStream, desc: &Descriptor) -> Result<(), RegistryError> {
        match self {
            Endpoint::Registry { client, image } => {
                // The first error of the source stream explains a failed upload better than the upload error.
                let source_error: Arc<Mutex<Option<RegistryError>>> = Arc::default();
                let slot = source_error.clone();
                let body = data.map_err(move |e| {
                    let text = e.to_string();
                    if let Ok(mut s) = slot.lock() {
                        s.get_or_insert(e);
                    }
                    OciDistributionError::GenericError(Some(text))
                });
                let pushed = client
                    .push_blob_stream(image.oci(), body, &desc.digest, Some(desc.size))
                    .await;
                match pushed {
                    Ok(_) => Ok(()),
                    Err(e) => Err(source_error
                        .lock()
                        .ok()
                        .and_then(|mut s| s.take())
                        .unwrap_or_else(|| map_oci(&image.with_digest(&desc.digest), e))),
                }
            }
            Endpoint::Layout(l) => l.put_blob(data, desc).await,
        }
    }

    /// Write a manifest; `tag` names the top one (a registry tag, or a layout ref name).
    async fn put_manifest(
        &self,
        m: &RawManifest,
        tag: Option<&str>,
    ) -> Result<String, RegistryError> {
        match self {
            Endpoint::Registry { client, image } => {
                let target = match tag {
                    Some(t) => image.with_tag(t),
                    None => image.with_digest(&m.digest),
                };
                let content_type = http::HeaderValue::from_str(&m.media_type).map_err(|_| {
                    RegistryError::InvalidManifest {
                        registry: image.registry().to_string(),
                        repository: image.repository().to_string(),
                        digest: m.digest.clone(),
                        reason: format!("media type {:?} is not a valid header", m.media_type),
                    }
                })?;
                client
                    .push_manifest_raw(target.oci(), m.bytes.clone(), content_type)
                    .await
                    .map_err(|e| map_oci(&target, e))?;
                Ok(target.to_string())
            }
            Endpoint::Layout(l) => l.put_manifest(m, tag).await,
        }
    }
}

/// Counters for the report.
#[derive(Default)]
struct Counts {
    copied: AtomicU64,
    existing: AtomicU64,
    mounted: AtomicU64,
    bytes: AtomicU64,
}

/// Most manifests followed from one root (an index of indexes of images).
const MAX_MANIFESTS: usize = 4096;

/// One transfer: source root → destination, with progress, cancellation and retries.
pub(crate) struct Transfer<'a> {
    pub reg: &'a Registry,
    pub src: &'a Endpoint,
    pub dst: &'a Endpoint,
    pub opts: &'a TransferOptions,
    tracker: Tracker,
    counts: Counts,
}

impl<'a> Transfer<'a> {
    pub fn new(
        reg: &'a Registry,
        src: &'a Endpoint,
        dst: &'a Endpoint,
        opts: &'a TransferOptions,
    ) -> Self {
        Transfer {
            reg,
            src,
            dst,
            opts,
            tracker: Tracker::new(opts.progress.clone()),
            counts: Counts::default(),
        }
    }

    /// Copy the manifest `reference` of the source (and everything it references) to the destination,
    /// naming the top manifest `dst_tag` (else it is addressed by digest).
    pub async fn run(
        &self,
        reference: &str,
        dst_tag: Option<&str>,
    ) -> Result<CopyReport, RegistryError> {
        let cancel = &self.opts.cancel;
        let mut root = self
            .reg
            .retry("manifest", &self.tracker, cancel, || {
                self.src.manifest(reference, None)
            })
            .await?;
        if let (Content::Index { manifests }, false) = (&root.content, self.opts.all_platforms) {
            let want = self
                .opts
                .platform
                .clone()
                .unwrap_or_else(Platform::linux_amd64);
            let pick = manifests
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
                .ok_or_else(|| self.platform_missing(&want))?
                .clone();
            root = self.fetch_child(&pick).await?;
        }
        // Post-order: children before the manifests that reference them.
        let mut ordered: Vec<RawManifest> = Vec::new();
        self.collect(root, &mut ordered, 0).await?;
        let blobs = unique_blobs(&ordered);
        self.tracker
            .plan(blobs.len() as u64, blobs.iter().map(|d| d.size).sum());

        // Futures collected first: a `map` closure in the stream type trips rustc's higher-ranked
        // lifetime check (rust#104382) when callers need the whole future to be `Send`.
        let jobs: Vec<_> = blobs.iter().map(|d| self.blob(d)).collect();
        stream::iter(jobs)
            .buffer_unordered(self.reg.opts.concurrency.max(1))
            .try_collect::<Vec<()>>()
            .await?;

        let (top, children) = ordered.split_last().expect("collect pushes the root last");
        for m in children {
            self.push_manifest(m, None).await?;
        }
        let destination = self.push_manifest(top, dst_tag).await?;
        Ok(CopyReport {
            source: self.src.describe(),
            destination,
            digest: top.digest.clone(),
            media_type: top.media_type.clone(),
            manifests: ordered.len() as u64,
            blobs_copied: self.counts.copied.load(Ordering::Relaxed),
            blobs_existing: self.counts.existing.load(Ordering::Relaxed),
            blobs_mounted: self.counts.mounted.load(Ordering::Relaxed),
            bytes_copied: self.counts.bytes.load(Ordering::Relaxed),
        })
    }

    fn platform_missing(&self, want: &Platform) -> RegistryError {
        match self.src {
            Endpoint::Registry { image, .. } => RegistryError::PlatformNotFound {
                registry: image.registry().to_string(),
                repository: image.repository().to_string(),
                platform: want.to_string(),
            },
            Endpoint::Layout(l) => {
                RegistryError::layout(l.dir(), format!("no image for platform {want}"))
            }
        }
    }

    async fn fetch_child(&self, d: &Descriptor) -> Result<RawManifest, RegistryError> {
        self.reg
            .retry(
                &format!("manifest {}", d.digest),
                &self.tracker,
                &self.opts.cancel,
                || self.src.manifest(&d.digest, Some(&d.media_type)),
            )
            .await
    }

    fn collect<'s>(
        &'s self,
        m: RawManifest,
        out: &'s mut Vec<RawManifest>,
        depth: usize,
    ) -> futures_util::future::BoxFuture<'s, Result<(), RegistryError>> {
        Box::pin(async move {
            if let Content::Index { manifests } = &m.content {
                if depth >= 3 {
                    return Err(self.invalid(&m, "indexes nested more than 3 deep"));
                }
                for d in manifests {
                    if out.iter().any(|o| o.digest == d.digest) {
                        continue;
                    }
                    let child = self.fetch_child(d).await?;
                    self.collect(child, out, depth + 1).await?;
                }
            }
            if out.len() >= MAX_MANIFESTS {
                return Err(self.invalid(&m, "more than 4096 manifests"));
            }
            out.push(m);
            Ok(())
        })
    }

    fn invalid(&self, m: &RawManifest, reason: &str) -> RegistryError {
        let (registry, repository) = match self.src {
            Endpoint::Registry { image, .. } => {
                (image.registry().to_string(), image.repository().to_string())
            }
            Endpoint::Layout(l) => (l.dir().display().to_string(), String::new()),
        };
        RegistryError::InvalidManifest {
            registry,
            repository,
            digest: m.digest.clone(),
            reason: reason.to_string(),
        }
    }

    async fn push_manifest(
        &self,
        m: &RawManifest,
        tag: Option<&str>,
    ) -> Result<String, RegistryError> {
        let name = self
            .reg
            .retry(
                &format!("manifest {}", m.digest),
                &self.tracker,
                &self.opts.cancel,
                || self.dst.put_manifest(m, tag),
            )
            .await?;
        self.tracker.emit(crate::ProgressEvent::ManifestDone {
            digest: m.digest.clone(),
        });
        Ok(name)
    }

    /// One blob: skip if present, else mount, else stream it (retrying from the start on failure).
    async fn blob(&self, d: &Descriptor) -> Result<(), RegistryError> {
        let cancel = &self.opts.cancel;
        let what = format!("blob {}", d.digest);
        let exists = self
            .reg
            .retry(&what, &self.tracker, cancel, || self.dst.has_blob(d))
            .await?;
        let how = if exists {
            self.counts.existing.fetch_add(1, Ordering::Relaxed);
            BlobOutcome::Exists
        } else if cancel
            .run(async { Ok(self.dst.mount(self.src, d).await) })
            .await?
        {
            self.counts.mounted.fetch_add(1, Ordering::Relaxed);
            BlobOutcome::Mounted
        } else {
            let counted = Arc::new(AtomicU64::new(0));
            self.reg
                .retry(&what, &self.tracker, cancel, || {
                    let counted = counted.clone();
                    async move {
                        // A retry starts over: take back what the failed attempt reported.
                        self.tracker.unbytes(counted.swap(0, Ordering::Relaxed));
                        let data = self.src.blob_stream(d).await?;
                        let data = counting(
                            data,
                            d.digest.clone(),
                            self.tracker.clone(),
                            counted,
                            cancel.clone(),
                        );
                        self.dst.put_blob(data, d).await
                    }
                })
                .await?;
            self.counts.copied.fetch_add(1, Ordering::Relaxed);
            self.counts.bytes.fetch_add(d.size, Ordering::Relaxed);
            let uncounted = d.size.saturating_sub(counted.load(Ordering::Relaxed));
            self.tracker
                .blob_done(&d.digest, BlobOutcome::Copied, uncounted);
            return Ok(());
        };
        self.tracker.blob_done(&d.digest, how, d.size);
        Ok(())
    }
}

/// Report progress every MiB of `data`, and stop it when cancelled.
fn counting(
    data: BlobStream,
    digest: String,
    tracker: Tracker,
    counted: Arc<AtomicU64>,
    cancel: Cancel,
) -> BlobStream {
    const STEP: u64 = 1024 * 1024;
    let mut pending = 0u64;
    data.map(move |chunk| {
        cancel.check()?;
        let chunk = chunk?;
        pending += chunk.len() as u64;
        if pending >= STEP {
            counted.fetch_add(pending, Ordering::Relaxed);
            tracker.bytes(&digest, pending);
            pending = 0;
        }
        Ok(chunk)
    })
    .boxed()
}

/// Config and layer blobs of all image manifests, each once, in a stable order.
fn unique_blobs(manifests: &[RawManifest]) -> Vec<Descriptor> {
    let mut seen = BTreeMap::new();
    for m in manifests {
        if let Content::Image { config, layers } = &m.content {
            for d in std::iter::once(config.as_ref()).chain(layers) {
                if !d.is_non_distributable() {
                    seen.entry(d.digest.clone()).or_insert_with(|| d.clone());
                }
            }
        }
    }
    seen.into_values().collect()
}
