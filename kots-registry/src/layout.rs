//! OCI image-layout directories (`oci-layout`, `index.json`, `blobs/sha256/…`): the airgap bundle format.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use sha2::Digest as _;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::manifest::{check_digest, hex_digest, Descriptor, RawManifest};
use crate::RegistryError;

/// The annotation naming an image in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI image layout on disk.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    dir: PathBuf,
}

impl Layout {
    /// An existing layout: `oci-layout` and `index.json` must be there.
    pub fn open(dir: &Path) -> Result<Self, RegistryError> {
        let marker = dir.join("oci-layout");
        let text = std::fs::read_to_string(&marker).map_err(|e| RegistryError::io(&marker, e))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| RegistryError::layout(&marker, format!("not JSON: {e}")))?;
        if v.get("imageLayoutVersion")
            .and_then(|v| v.as_str())
            .is_none()
        {
            return Err(RegistryError::layout(&marker, "no imageLayoutVersion"));
        }
        let layout = Layout {
            dir: dir.to_path_buf(),
        };
        layout.index()?;
        Ok(layout)
    }

    /// Open the layout at `dir`, creating an empty one if needed.
    pub fn create(dir: &Path) -> Result<Self, RegistryError> {
        let blobs = dir.join("blobs/sha256");
        std::fs::create_dir_all(&blobs).map_err(|e| RegistryError::io(&blobs, e))?;
        let marker = dir.join("oci-layout");
        if !marker.exists() {
            write_file(&marker, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        let index = dir.join("index.json");
        if !index.exists() {
            write_file(&index, br#"{"schemaVersion":2,"manifests":[]}"#)?;
        }
        Layout::open(dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn blob_path(&self, digest: &str) -> Result<PathBuf, RegistryError> {
        check_digest(digest).map_err(|reason| RegistryError::layout(&self.dir, reason))?;
        Ok(self
            .dir
            .join("blobs/sha256")
            .join(&digest["sha256:".len()..]))
    }

    fn read_index(&self) -> Result<serde_json::Value, RegistryError> {
        let path = self.dir.join("index.json");
        let text = std::fs::read(&path).map_err(|e| RegistryError::io(&path, e))?;
        serde_json::from_slice(&text)
            .map_err(|e| RegistryError::layout(&path, format!("not JSON: {e}")))
    }

    /// The entries of `index.json`.
    pub fn index(&self) -> Result<Vec<Descriptor>, RegistryError> {
        let path = self.dir.join("index.json");
        let v = self.read_index()?;
        let manifests = v
            .get("manifests")
            .cloned()
            .ok_or_else(|| RegistryError::layout(&path, "no \"manifests\" array"))?;
        let entries: Vec<Descriptor> = serde_json::from_value(manifests)
            .map_err(|e| RegistryError::layout(&path, format!("manifests: {e}")))?;
        for (i, d) in entries.iter().enumerate() {
            check_digest(&d.digest)
                .map_err(|r| RegistryError::layout(&path, format!("manifests[{i}]: {r}")))?;
        }
        Ok(entries)
    }

    /// A manifest by digest, or by the ref name of an `index.json` entry.
    pub async fn manifest(
        &self,
        reference: &str,
        media_type: Option<&str>,
    ) -> Result<RawManifest, RegistryError> {
        let desc = if reference.starts_with("sha256:") {
            None
        } else {
            let found = self
                .index()?
                .into_iter()
                .find(|d| ref_name(d) == Some(reference));
            Some(found.ok_or_else(|| {
                RegistryError::layout(
                    &self.dir,
                    format!("no image named {reference:?} in index.json"),
                )
            })?)
        };
        let digest = desc.as_ref().map_or(reference, |d| d.digest.as_str());
        let media_type = desc.as_ref().map(|d| d.media_type.as_str()).or(media_type);
        let path = self.blob_path(digest)?;
        let size = tokio::fs::metadata(&path)
            .await
            .map_err(|e| RegistryError::io(&path, e))?
            .len();
        if size > crate::manifest::MAX_MANIFEST_BYTES as u64 {
            return Err(RegistryError::layout(
                &path,
                format!("manifest of {size} bytes is too large"),
            ));
        }
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| RegistryError::io(&path, e))?;
        let m = RawManifest::parse(Bytes::from(bytes), media_type)
            .map_err(|r| RegistryError::layout(&path, r))?;
        if m.digest != digest {
            return Err(RegistryError::layout(
                &path,
                format!("content hashes to {}, not {digest}", m.digest),
            ));
        }
        Ok(m)
    }

    pub fn has_blob(&self, desc: &Descriptor) -> bool {
        self.blob_path(&desc.digest)
            .ok()
            .and_then(|p| std::fs::metadata(p).ok())
            .is_some_and(|m| m.len() == desc.size)
    }

    /// The blob's bytes, checked against its digest and size as they are read.
    pub async fn blob_stream(
        &self,
        desc: &Descriptor,
    ) -> Result<BoxStream<'static, Result<Bytes, RegistryError>>, RegistryError> {
        let path = self.blob_path(&desc.digest)?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| RegistryError::io(&path, e))?;
        let (expected, size) = (desc.digest.clone(), desc.size);
        // The check happens on the chunk that completes the announced size, before it is handed on: an
        // upload with a fixed Content-Length may never poll the stream past its last byte.
        let state = Some((
            ReaderStream::with_capacity(file, 256 * 1024),
            Some(sha2::Sha256::new()),
            0u64,
        ));
        Ok(stream::unfold(state, move |state| {
            let (path, expected) = (path.clone(), expected.clone());
            async move {
                let (mut reader, mut hash, mut n) = state?;
                let fail = |reason: String| Some((Err(RegistryError::layout(&path, reason)), None));
                match reader.next().await {
                    Some(Ok(b)) => {
                        n += b.len() as u64;
                        if n > size {
                            return fail(format!(
                                "blob is longer than the {size} bytes the manifest says"
                            ));
                        }
                        let Some(h) = hash.as_mut() else {
                            return fail("blob changed while being read".into());
                        };
                        h.update(&b);
                        if n == size {
                            let actual = hex_digest(hash.take()?.finalize().as_slice());
                            if actual != expected {
                                return fail(format!(
                                    "{size} bytes hashing to {actual}, not {expected}"
                                ));
                            }
                        }
                        Some((Ok(b), Some((reader, hash, n))))
                    }
                    Some(Err(e)) => Some((Err(RegistryError::io(&path, e)), None)),
                    None if n < size => {
                        fail(format!("blob is {n} bytes, the manifest says {size}"))
                    }
                    None if size == 0 => {
                        let actual = hex_digest(hash.take()?.finalize().as_slice());
                        if actual == expected {
                            None
                        } else {
                            fail(format!("empty blob hashing to {actual}, not {expected}"))
                        }
                    }
                    None => None,
                }
            }
        })
        .boxed())
    }

    /// Store a blob, verifying digest and size before it becomes visible.
    pub async fn put_blob(
        &self,
        mut data: BoxStream<'static, Result<Bytes, RegistryError>>,
        desc: &Descriptor,
    ) -> Result<(), RegistryError> {
        let path = self.blob_path(&desc.digest)?;
        let tmp = path.with_extension(format!("partial-{}", std::process::id()));
        let result = async {
            let mut file = tokio::fs::File::create(&tmp)
                .await
                .map_err(|e| RegistryError::io(&tmp, e))?;
            let mut hash = sha2::Sha256::new();
            let mut n = 0u64;
            while let Some(chunk) = data.next().await {
                let chunk = chunk?;
                n += chunk.len() as u64;
                if n > desc.size {
                    return Err(RegistryError::layout(
                        &path,
                        format!("more than the {} bytes announced", desc.size),
                    ));
                }
                hash.update(&chunk);
                file.write_all(&chunk)
                    .await
                    .map_err(|e| RegistryError::io(&tmp, e))?;
            }
            file.flush().await.map_err(|e| RegistryError::io(&tmp, e))?;
            let actual = hex_digest(hash.finalize().as_slice());
            if actual != desc.digest || n != desc.size {
                return Err(RegistryError::layout(
                    &path,
                    format!(
                        "received {n} bytes hashing to {actual}, expected {} bytes, {}",
                        desc.size, desc.digest
                    ),
                ));
            }
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(|e| RegistryError::io(&path, e))
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// Store a manifest blob; a named one also gets an `index.json` entry (replacing one of the same name).
    pub async fn put_manifest(
        &self,
        m: &RawManifest,
        name: Option<&str>,
    ) -> Result<String, RegistryError> {
        let path = self.blob_path(&m.digest)?;
        write_file(&path, &m.bytes)?;
        let Some(name) = name else {
            return Ok(format!("{}@{}", self.dir.display(), m.digest));
        };
        let index_path = self.dir.join("index.json");
        let mut index = self.read_index()?;
        let entry = serde_json::json!({
            "mediaType": m.media_type,
            "digest": m.digest,
            "size": m.bytes.len(),
            "annotations": { REF_NAME: name },
        });
        let manifests = index
            .get_mut("manifests")
            .and_then(|v| v.as_array_mut())
            .ok_or_else(|| RegistryError::layout(&index_path, "no \"manifests\" array"))?;
        manifests.retain(|e| {
            e.pointer("/annotations/org.opencontainers.image.ref.name")
                .and_then(|v| v.as_str())
                != Some(name)
        });
        manifests.push(entry);
        let text = serde_json::to_vec_pretty(&index)
            .map_err(|e| RegistryError::layout(&index_path, e.to_string()))?;
        write_file(&index_path, &text)?;
        Ok(format!("{}:{name}", self.dir.display()))
    }
}

/// The ref name annotation of an `index.json` entry.
pub(crate) fn ref_name(d: &Descriptor) -> Option<&str> {
    d.annotations.as_ref()?.get(REF_NAME)?.as_str()
}

/// Write through a temporary file so readers never see half a file.
fn write_file(path: &Path, data: &[u8]) -> Result<(), RegistryError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, data).map_err(|e| RegistryError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| RegistryError::io(path, e))
}
