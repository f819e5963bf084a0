//! The operations: digests, existence and privacy probes, tag lists, copies, layout pushes and exports.

use std::path::Path;

use oci_client::secrets::RegistryAuth;

use crate::client::map_oci;
use crate::layout::{ref_name, Layout};
use crate::manifest::ACCEPTED;
use crate::progress::Tracker;
use crate::transfer::{Endpoint, Transfer};
use crate::{Cancel, CopyReport, ImageRef, Registry, RegistryError, TransferOptions};

/// The result of KOTS's public/private probe.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Privacy {
    /// The image reference probed.
    pub image: String,
    /// True unless an anonymous manifest fetch succeeded.
    pub private: bool,
    /// Why it was judged private (the error of the anonymous fetch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Tries of the privacy probe when the connection drops (KOTS retries `EOF` 3 times).
const PROBE_TRIES: u32 = 3;
/// Tags returned by one tag-list page, and the most collected in all.
const TAG_PAGE: usize = 1000;
const MAX_TAGS: usize = 100_000;

impl Registry {
    /// The digest of the manifest (or index) `image` points to: a tag resolved to `sha256:…` for pinning.
    pub async fn digest(&self, image: &ImageRef, cancel: &Cancel) -> Result<String, RegistryError> {
        let client = self.connect(&[image]).await?;
        let auth = self
            .opts
            .auth
            .for_registry(image.registry())
            .await?
            .to_oci();
        self.retry("digest", &Tracker::new(None), cancel, || async {
            client
                .fetch_manifest_digest(image.oci(), &auth)
                .await
                .map_err(|e| map_oci(image, e))
        })
        .await
    }

    /// Whether the manifest exists: `false` on HTTP 404, an error for anything but success or 404.
    pub async fn exists(&self, image: &ImageRef, cancel: &Cancel) -> Result<bool, RegistryError> {
        match self.digest(image, cancel).await {
            Ok(_) => Ok(true),
            Err(RegistryError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// KOTS's `IsPrivateImage`: fetch the manifest anonymously (with Docker Hub credentials for docker.io
    /// images, as KOTS does). Success means public; a dropped connection is retried 3 times; any other
    /// failure (401, 404, TLS…) means private. Never fails except on cancellation.
    pub async fn probe_private(
        &self,
        image: &ImageRef,
        cancel: &Cancel,
    ) -> Result<Privacy, RegistryError> {
        let anonymous_opts = crate::RegistryOptions {
            auth: if image.registry() == "docker.io" {
                self.opts.auth.clone()
            } else {
                crate::Auth::default()
            },
            ..self.opts.as_ref().clone()
        };
        let probe = Registry::new(anonymous_opts)?;
        let mut last = String::new();
        for _ in 0..PROBE_TRIES {
            cancel.check()?;
            let result = cancel
                .run(async {
                    let client = probe.connect(&[image]).await?;
                    client
                        .pull_manifest_raw(image.oci(), &RegistryAuth::Anonymous, ACCEPTED)
                        .await
                        .map_err(|e| map_oci(image, e))
                })
                .await;
            match result {
                Ok(_) => {
                    return Ok(Privacy {
                        image: image.to_string(),
                        private: false,
                        reason: None,
                    })
                }
                Err(RegistryError::Cancelled) => return Err(RegistryError::Cancelled),
                Err(e @ RegistryError::Connection { .. }) => last = e.to_string(),
                Err(e) => {
                    last = e.to_string();
                    break;
                }
            }
        }
        Ok(Privacy {
            image: image.to_string(),
            private: true,
            reason: Some(last),
        })
    }

    /// All tags of `repository` (any tag or digest on it is ignored), following `n`/`last` pagination.
    pub async fn list_tags(
        &self,
        repository: &ImageRef,
        cancel: &Cancel,
    ) -> Result<Vec<String>, RegistryError> {
        let client = self.connect(&[repository]).await?;
        let auth = self
            .opts
            .auth
            .for_registry(repository.registry())
            .await?
            .to_oci();
        let mut tags: Vec<String> = Vec::new();
        loop {
            let last = tags.last().cloned();
            let page = self
                .retry("tags", &Tracker::new(None), cancel, || async {
                    client
                        .list_tags(repository.oci(), &auth, Some(TAG_PAGE), last.as_deref())
                        .await
                        .map_err(|e| map_oci(repository, e))
                })
                .await?;
            let n = page.tags.len();
            // A registry that ignores `last` would return the same page forever.
            let before = tags.len();
            tags.extend(page.tags.into_iter().filter(|t| Some(t) > last.as_ref()));
            if n < TAG_PAGE || tags.len() == before || tags.len() >= MAX_TAGS {
                break;
            }
        }
        tags.truncate(MAX_TAGS);
        Ok(tags)
    }

    /// Copy `src` to `dst` (registry to registry). Blobs already present are skipped, blobs in another
    /// repository of the same registry are mounted, the rest are streamed; manifests are copied byte for
    /// byte, so with [`TransferOptions::all_platforms`] (or a single-platform source) the destination digest
    /// equals the source digest. `dst` without a tag takes the source's tag (or its digest).
    pub async fn copy(
        &self,
        src: &ImageRef,
        dst: &ImageRef,
        opts: &TransferOptions,
    ) -> Result<CopyReport, RegistryError> {
        let client = self.connect(&[src, dst]).await?;
        let source = Endpoint::Registry {
            client: client.clone(),
            image: src.clone(),
        };
        let dest = Endpoint::Registry {
            client,
            image: dst.clone(),
        };
        // A destination without tag takes the source's tag; digest-only sources are pushed by digest.
        let tag = match (dst.digest(), dst.written_tag(), src.digest()) {
            (Some(_), _, _) => None,
            (None, Some(t), _) => Some(t),
            (None, None, None) => src.tag(),
            (None, None, Some(_)) => None,
        };
        Transfer::new(self, &source, &dest, opts)
            .run(src.reference(), tag)
            .await
    }

    /// Push every image named in the OCI layout `dir` (an airgap bundle) to `repository`, each under its
    /// `org.opencontainers.image.ref.name` tag (entries without a usable name are pushed by digest), with
    /// all platforms.
    pub async fn push_layout(
        &self,
        dir: &Path,
        repository: &ImageRef,
        opts: &TransferOptions,
    ) -> Result<Vec<CopyReport>, RegistryError> {
        let layout = Layout::open(dir)?;
        let entries = layout.index()?;
        let client = self.connect(&[repository]).await?;
        let source = Endpoint::Layout(layout);
        let dest = Endpoint::Registry {
            client,
            image: repository.clone(),
        };
        let opts = TransferOptions {
            all_platforms: true,
            ..opts.clone()
        };
        let mut reports = Vec::new();
        for entry in &entries {
            let tag = ref_name(entry).and_then(tag_of_ref_name);
            let report = Transfer::new(self, &source, &dest, &opts)
                .run(&entry.digest, tag.as_deref())
                .await?;
            reports.push(report);
        }
        Ok(reports)
    }

    /// Save `src` into the OCI layout `dir` (created if needed), named by its tag in `index.json`.
    pub async fn export_layout(
        &self,
        src: &ImageRef,
        dir: &Path,
        opts: &TransferOptions,
    ) -> Result<CopyReport, RegistryError> {
        let layout = Layout::create(dir)?;
        let client = self.connect(&[src]).await?;
        let source = Endpoint::Registry {
            client,
            image: src.clone(),
        };
        let dest = Endpoint::Layout(layout);
        let name = if src.digest().is_none() {
            src.tag()
        } else {
            None
        };
        Transfer::new(self, &source, &dest, opts)
            .run(src.reference(), name)
            .await
    }
}

/// The tag in a ref name: `1.0`, or the tag of a full reference like `docker.io/library/nginx:1.0`.
fn tag_of_ref_name(name: &str) -> Option<String> {
    let is_tag = |t: &str| {
        !t.is_empty()
            && t.len() <= 128
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    };
    if is_tag(name) {
        return Some(name.to_string());
    }
    let r: ImageRef = name.parse().ok()?;
    if r.digest().is_some() {
        return None;
    }
    r.written_tag().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::tag_of_ref_name;

    /// Bindings spawn these futures on multi-threaded runtimes.
    #[test]
    fn futures_are_send() {
        fn send<T: Send>(_: T) {}
        let reg = crate::Registry::new(Default::default()).unwrap();
        let (a, b): (crate::ImageRef, crate::ImageRef) =
            ("a/b:1".parse().unwrap(), "c/d:1".parse().unwrap());
        let opts = crate::TransferOptions::default();
        let cancel = crate::Cancel::new();
        send(reg.copy(&a, &b, &opts));
        send(reg.push_layout(std::path::Path::new("x"), &a, &opts));
        send(reg.export_layout(&a, std::path::Path::new("x"), &opts));
        send(reg.digest(&a, &cancel));
        send(reg.probe_private(&a, &cancel));
        send(reg.list_tags(&a, &cancel));
    }

    #[test]
    fn ref_names() {
        assert_eq!(tag_of_ref_name("1.0").as_deref(), Some("1.0"));
        assert_eq!(
            tag_of_ref_name("docker.io/library/nginx:1.25").as_deref(),
            Some("1.25")
        );
        assert_eq!(tag_of_ref_name("localhost:5000/a/b").as_deref(), None);
        assert_eq!(tag_of_ref_name(".bad"), None);
    }
}
