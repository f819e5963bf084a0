//! A synchronous wrapper over [`crate::Registry`] for callers without an async runtime (CLI, Python).
//!
//! Each [`Registry`] owns a small tokio runtime. Do not call it from inside another tokio runtime.

use std::path::Path;
use std::sync::Arc;

use crate::{
    Cancel, CopyReport, ImageRef, Privacy, RegistryError, RegistryOptions, TransferOptions,
};

/// Blocking registry client; cheap to clone (clones share the runtime).
///
/// ```no_run
/// use kots_registry::{blocking::Registry, Cancel, RegistryOptions};
/// let reg = Registry::new(RegistryOptions::default())?;
/// let tags = reg.list_tags(&"127.0.0.1:5000/app/api".parse()?, &Cancel::new())?;
/// # Ok::<(), kots_registry::RegistryError>(())
/// ```
#[derive(Clone)]
pub struct Registry {
    inner: crate::Registry,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Registry {
    /// A client with `opts` and its own runtime.
    pub fn new(opts: RegistryOptions) -> Result<Self, RegistryError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("kots-registry")
            .enable_all()
            .build()
            .map_err(|e| RegistryError::io("tokio runtime", e))?;
        Ok(Registry {
            inner: crate::Registry::new(opts)?,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Registry {
        &self.inner
    }

    /// See [`crate::Registry::digest`].
    pub fn digest(&self, image: &ImageRef, cancel: &Cancel) -> Result<String, RegistryError> {
        self.runtime.block_on(self.inner.digest(image, cancel))
    }

    /// See [`crate::Registry::exists`].
    pub fn exists(&self, image: &ImageRef, cancel: &Cancel) -> Result<bool, RegistryError> {
        self.runtime.block_on(self.inner.exists(image, cancel))
    }

    /// See [`crate::Registry::probe_private`].
    pub fn probe_private(
        &self,
        image: &ImageRef,
        cancel: &Cancel,
    ) -> Result<Privacy, RegistryError> {
        self.runtime
            .block_on(self.inner.probe_private(image, cancel))
    }

    /// See [`crate::Registry::list_tags`].
    pub fn list_tags(
        &self,
        repository: &ImageRef,
        cancel: &Cancel,
    ) -> Result<Vec<String>, RegistryError> {
        self.runtime
            .block_on(self.inner.list_tags(repository, cancel))
    }

    /// See [`crate::Registry::copy`].
    pub fn copy(
        &self,
        src: &ImageRef,
        dst: &ImageRef,
        opts: &TransferOptions,
    ) -> Result<CopyReport, RegistryError> {
        self.runtime.block_on(self.inner.copy(src, dst, opts))
    }

    /// See [`crate::Registry::push_layout`].
    pub fn push_layout(
        &self,
        dir: &Path,
        repository: &ImageRef,
        opts: &TransferOptions,
    ) -> Result<Vec<CopyReport>, RegistryError> {
        self.runtime
            .block_on(self.inner.push_layout(dir, repository, opts))
    }

    /// See [`crate::Registry::export_layout`].
    pub fn export_layout(
        &self,
        src: &ImageRef,
        dir: &Path,
        opts: &TransferOptions,
    ) -> Result<CopyReport, RegistryError> {
        self.runtime
            .block_on(self.inner.export_layout(src, dir, opts))
    }
}
