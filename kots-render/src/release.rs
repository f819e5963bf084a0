//! Rendering a KOTS release exactly as KOTS does (kots-internals §4.5, §5): the release's files,
//! the KOTS kinds rendered and separated from the app manifests, config resolution, the two
//! template passes, splitting and base file naming, `kots.io/exclude` / `kots.io/when`, HelmChart
//! values, and KOTS's finishing (pull secrets, `imagePullSecrets`, labels and annotations, image
//! rewriting). No cluster I/O: everything cluster-dependent comes from a [`ClusterInfo`].
//!
//! ```
//! use kots_render::release::{render_release, Release, RenderOptions};
//!
//! let release = Release::from_files([(
//!     "cm.yaml".to_string(),
//!     b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  seq: '{{repl Sequence }}'\n".to_vec(),
//! )]);
//! let options = RenderOptions { app_slug: "my-app".into(), sequence: 3, ..RenderOptions::default() };
//! let rendered = render_release(&release, None, None, &options).unwrap();
//! let cm = rendered.objects.iter().find(|o| o.object.kind() == "ConfigMap").unwrap();
//! assert_eq!(cm.object.as_map()["data"]["seq"], "3");
//! assert_eq!(cm.object.labels().unwrap()["kots.io/app-slug"], "my-app");
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use kots_core::image::{
    kustomization_images, pull_secrets, KustomizeImage, PullSecretOptions, Registry,
};
use kots_core::kinds::{self, Application, Config, ConfigValues, Kind, KotsResource};
use kots_core::license::License;
use kots_core::manifest::{split_documents, Object};
use serde::Serialize;

use crate::config::{
    resolve_config, ConfigError, ConfigOptions, EncryptionKey, ItemValues, MissingItem,
    ResolvedConfig,
};
use crate::functions::{
    register_config, Builder, ClusterInfo, IdentityConfig, NoCluster, RegistrySettings,
    TemplateInputs, VersionInfo,
};
use crate::template::{Limits, Providers};

mod base;
mod files;
mod finish;
mod helm;
mod settings;
mod variadic;

pub use files::{Release, ReleaseFile};
pub use finish::Finishing;
pub use helm::HelmChartRelease;
pub use settings::{ClusterData, FinishingData, IdentityData, RegistryData, RenderSettings};

/// Why a release could not be rendered. Every variant names the file (or field) concerned and,
/// for template failures, carries Go's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A release file could not be read.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// The release directory is larger than the SDK accepts.
    #[error("{path}: release holds more than {max_files} files or {max_bytes} bytes")]
    ReleaseTooLarge {
        path: String,
        max_files: usize,
        max_bytes: u64,
    },
    /// An app manifest failed to render (fatal in KOTS: `failed to render file template`).
    #[error("failed to render file {path}: failed to render file template: {message}")]
    Template { path: String, message: String },
    /// A KOTS kind failed to render (`failed to render file %s`).
    #[error("failed to render kots kind file {path}: {message}")]
    KotsKind { path: String, message: String },
    /// `kots.io/exclude` or `kots.io/when` does not parse as a boolean.
    #[error("failed to determine if file {path} should be included in base: failed to check if object {object} is excluded by annotation: {message}")]
    Annotation {
        path: String,
        object: String,
        message: String,
    },
    /// A KOTS kind (Config, Application, HelmChart, ConfigValues) does not decode.
    #[error("{path}: {message}")]
    Kinds { path: String, message: String },
    /// Config resolution or rendering failed.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A HelmChart's `exclude` or optional value `when` does not parse, or its archive is missing.
    #[error("failed to render helm chart {path}: {message}")]
    HelmChart { path: String, message: String },
    /// An image reference could not be rewritten for the registry or the proxy.
    #[error("failed to rewrite images: {0}")]
    Image(String),
    /// A repeatable item's template could not be expanded.
    #[error("failed to process variadic config in file {path}: {message}")]
    Variadic { path: String, message: String },
}

/// How to render: who installs, where, with which registry, and which finishing steps run.
#[derive(Clone)]
pub struct RenderOptions {
    /// Target namespace of the pull secrets (`--namespace`).
    pub namespace: String,
    /// The app slug; empty means the license's `appSlug`.
    pub app_slug: String,
    /// App sequence (`Sequence()`).
    pub sequence: i64,
    pub cursor: String,
    pub channel_name: String,
    pub version_label: String,
    pub release_notes: String,
    pub is_required: bool,
    /// An airgap install (`IsAirgap()`; every image counts as private).
    pub airgap: bool,
    /// The KOTS version `KotsVersion()` reports.
    pub kots_version: String,
    /// A registry the images are pushed to; images are rewritten to it.
    pub registry: RegistrySettings,
    /// Custom Replicated registry / proxy domains (Installation `replicatedRegistryDomain` /
    /// `replicatedProxyDomain`).
    pub replicated_registry_domain: String,
    pub replicated_proxy_domain: String,
    pub identity: Option<IdentityConfig>,
    /// kURL Installer values keyed `<Category>.<Field>`.
    pub kurl: BTreeMap<String, serde_json::Value>,
    /// The key password values in ConfigValues are encrypted with.
    pub encryption_key: Option<String>,
    /// Images known to be private (KOTS probes registries; the SDK does not).
    pub private_images: Vec<String>,
    pub finishing: Finishing,
    /// Threads rendering independent files (1: the calling thread only).
    pub threads: usize,
    /// The cluster facts the static context reads.
    pub cluster: Arc<dyn ClusterInfo>,
    pub providers: Providers,
    pub limits: Limits,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            namespace: String::new(),
            app_slug: String::new(),
            sequence: 0,
            cursor: String::new(),
            channel_name: String::new(),
            version_label: String::new(),
            release_notes: String::new(),
            is_required: false,
            airgap: false,
            kots_version: "0.0.0-unknown".into(),
            registry: RegistrySettings::default(),
            replicated_registry_domain: String::new(),
            replicated_proxy_domain: String::new(),
            identity: None,
            kurl: BTreeMap::new(),
            encryption_key: None,
            private_images: Vec::new(),
            finishing: Finishing::default(),
            threads: 1,
            cluster: Arc::new(NoCluster),
            providers: Providers::default(),
            limits: Limits::default(),
        }
    }
}

impl std::fmt::Debug for RenderOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderOptions")
            .field("namespace", &self.namespace)
            .field("app_slug", &self.app_slug)
            .field("sequence", &self.sequence)
            .field("airgap", &self.airgap)
            .field("finishing", &self.finishing)
            .finish_non_exhaustive()
    }
}

/// One deployed object and the base file it comes from (`secret.yaml` for the pull secrets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedObject {
    pub path: String,
    pub object: Object,
}

/// A rendered KOTS-kinds file (what KOTS writes to `kotsKinds/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedFile {
    pub path: String,
    pub content: String,
}

/// A document KOTS skips, with the reason (`skippedFiles/_index.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What a render produced besides the objects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Number of objects rendered.
    pub documents: usize,
    /// Base files removed by `kots.io/exclude` / `kots.io/when`.
    pub excluded: Vec<String>,
    pub skipped: Vec<SkippedFile>,
    /// Required config items without a value; when non-empty nothing is rendered.
    pub needs_config: Vec<MissingItem>,
    /// Images of the app manifests and the Application's `additionalImages`, sorted.
    pub images: Vec<String>,
    pub helm_charts: Vec<HelmChartRelease>,
}

/// The result of [`render_release`].
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The objects KOTS deploys, in base order, then the pull secrets.
    pub objects: Vec<RenderedObject>,
    /// The rendered KOTS kinds, by file.
    pub kots_kinds: Vec<RenderedFile>,
    /// The resolved config, when the release has a Config.
    pub config: Option<ResolvedConfig>,
    pub summary: Summary,
}

impl Rendered {
    /// The result as one JSON document: `{"objects": [{"path", "object"}], "summary": {…},
    /// "kotsKinds": [{"path", "content"}], "config": {"values", "configValues", "rendered",
    /// "missingRequired", "validation"} | null}` (what the bindings return).
    pub fn to_json(&self) -> serde_json::Value {
        let config = self.config.as_ref().map(|c| {
            serde_json::json!({
                "values": c.values,
                "configValues": c.config_values.to_value().unwrap_or_default(),
                "rendered": c.rendered.to_value().unwrap_or_default(),
                "missingRequired": c.missing_required,
                "validation": c.validation,
            })
        });
        serde_json::json!({
            "objects": self.objects,
            "summary": self.summary,
            "kotsKinds": self.kots_kinds,
            "config": config,
        })
    }
}

/// Renders `release` for `license` and `config_values` (when `None`, a ConfigValues document in
/// the release is used, if any).
pub fn render_release(
    release: &Release,
    license: Option<&License>,
    config_values: Option<&ConfigValues>,
    options: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let kinds = TemplatingKinds::find(release)?;
    let config_values = config_values.cloned().or(kinds.config_values.clone());
    let inputs = template_inputs(license, kinds.application.clone(), options);
    let resolved = resolve_with(&kinds, config_values.as_ref(), &inputs, options)?;
    let values: ItemValues = match (&resolved, &config_values) {
        (Some(r), _) => r.values.clone(),
        (None, Some(v)) => crate::config::existing_values(v),
        (None, None) => ItemValues::new(),
    };
    let mut funcs = inputs.manifest_funcs();
    register_config(&mut funcs, Arc::new(RwLock::new(values)), &inputs);
    let builder = Builder::new(funcs, &inputs);
    let rendered_config = resolved.as_ref().map(|r| &r.rendered);

    let kots_kinds = render_kots_kinds(release, &builder, rendered_config)?;
    let needs_config = resolved
        .as_ref()
        .map(|r| r.missing_required.clone())
        .unwrap_or_default();
    let mut summary = Summary {
        documents: 0,
        excluded: Vec::new(),
        skipped: Vec::new(),
        needs_config,
        images: Vec::new(),
        helm_charts: Vec::new(),
    };
    if !summary.needs_config.is_empty() {
        return Ok(Rendered {
            objects: Vec::new(),
            kots_kinds,
            config: resolved,
            summary,
        });
    }
    summary.helm_charts = helm::releases(helm_charts(&kots_kinds)?, release.files())?;

    let base = render_base(
        release,
        &builder,
        rendered_config,
        options.threads.max(1),
        &mut summary,
    )?;
    let application = rendered_application(&kots_kinds);
    let objects = finish_objects(
        base,
        &inputs,
        license,
        application.as_ref(),
        options,
        &mut summary,
    )?;
    summary.documents = objects.len();
    Ok(Rendered {
        objects,
        kots_kinds,
        config: resolved,
        summary,
    })
}

/// The release's config resolved for these inputs, as KOTS resolves it before rendering (what
/// `kots config` prints); `None` when the release has no Config.
pub fn resolve_release_config(
    release: &Release,
    license: Option<&License>,
    config_values: Option<&ConfigValues>,
    options: &RenderOptions,
) -> Result<Option<ResolvedConfig>, RenderError> {
    let kinds = TemplatingKinds::find(release)?;
    let config_values = config_values.cloned().or(kinds.config_values.clone());
    let inputs = template_inputs(license, kinds.application.clone(), options);
    resolve_with(&kinds, config_values.as_ref(), &inputs, options)
}

fn resolve_with(
    kinds: &TemplatingKinds,
    config_values: Option<&ConfigValues>,
    inputs: &TemplateInputs,
    options: &RenderOptions,
) -> Result<Option<ResolvedConfig>, RenderError> {
    let Some(config) = &kinds.config else {
        return Ok(None);
    };
    let key = options
        .encryption_key
        .as_deref()
        .map(EncryptionKey::parse)
        .transpose()
        .map_err(ConfigError::EncryptionKey)?;
    Ok(Some(resolve_config(
        config,
        config_values,
        inputs,
        &ConfigOptions {
            encryption_key: key,
        },
    )?))
}

fn template_inputs(
    license: Option<&License>,
    application: Option<Arc<Application>>,
    options: &RenderOptions,
) -> TemplateInputs {
    let app_slug = if options.app_slug.is_empty() {
        license.map(|l| l.spec.app_slug.clone()).unwrap_or_default()
    } else {
        options.app_slug.clone()
    };
    TemplateInputs {
        license: license.cloned().map(Arc::new),
        application,
        version: VersionInfo {
            sequence: options.sequence,
            cursor: options.cursor.clone(),
            channel_name: options.channel_name.clone(),
            version_label: options.version_label.clone(),
            is_required: options.is_required,
            release_notes: options.release_notes.clone(),
            is_airgap: options.airgap,
            replicated_registry_domain: options.replicated_registry_domain.clone(),
            replicated_proxy_domain: options.replicated_proxy_domain.clone(),
        },
        app_slug,
        namespace: options.namespace.clone(),
        registry: options.registry.clone(),
        identity: options.identity.clone(),
        kurl: options.kurl.clone(),
        kots_version: options.kots_version.clone(),
        private_images: options.private_images.clone(),
        cluster: options.cluster.clone(),
        providers: options.providers.clone(),
        limits: options.limits.clone(),
        tls: Arc::default(),
    }
}

/// The unrendered kinds templating needs (`getTemplatingKotsKinds`): the last Config, the first
/// Application, and a ConfigValues document if the release carries one.
struct TemplatingKinds {
    config: Option<Config>,
    application: Option<Arc<Application>>,
    config_values: Option<ConfigValues>,
}

impl TemplatingKinds {
    fn find(release: &Release) -> Result<TemplatingKinds, RenderError> {
        let mut found = TemplatingKinds {
            config: None,
            application: None,
            config_values: None,
        };
        for file in release.files().iter().filter(|f| !f.is_archive()) {
            let Some(text) = file.text() else { continue };
            for doc in split_documents(text) {
                let wanted = ["Config", "Application", "ConfigValues"];
                if !doc.text.contains("kots.io/v1beta1")
                    || !wanted.iter().any(|k| base::names_kind(&doc.text, k))
                {
                    continue;
                }
                // Documents that do not parse before rendering are not kinds KOTS can read here.
                let Ok(object) = Object::from_yaml(&doc.text) else {
                    continue;
                };
                if object.api_version() != "kots.io/v1beta1" || !wanted.contains(&object.kind()) {
                    continue;
                }
                let err = |e: kinds::KindsError| RenderError::Kinds {
                    path: file.path.clone(),
                    message: e.to_string(),
                };
                match kinds::decode(&object).map_err(err)? {
                    Some(Kind::Config(c)) => found.config = Some(*c),
                    Some(Kind::Application(a)) if found.application.is_none() => {
                        found.application = Some(Arc::new(*a))
                    }
                    Some(Kind::ConfigValues(v)) if found.config_values.is_none() => {
                        found.config_values = Some(*v)
                    }
                    _ => {}
                }
            }
        }
        Ok(found)
    }
}

/// `renderKotsKinds`: each KOTS-kind document rendered (Installation, License, IdentityConfig and
/// ConfigValues copied as they are; Config replaced by the rendered Config; a HelmChart's whole
/// file rendered; anything else expanded for repeatable items, then rendered).
fn render_kots_kinds(
    release: &Release,
    builder: &Builder,
    config: Option<&Config>,
) -> Result<Vec<RenderedFile>, RenderError> {
    let mut out: Vec<RenderedFile> = Vec::new();
    for file in release.files().iter().filter(|f| !f.is_archive()) {
        let Some(text) = file.text() else { continue };
        let mut docs: Vec<String> = Vec::new();
        for doc in split_documents(text) {
            if !base::may_be_kots_kind(&doc.text) {
                continue;
            }
            let Some((api_version, kind)) = base::api_version_kind(&doc.text) else {
                continue;
            };
            if !kinds::is_kots_kind(&api_version, &kind) {
                continue;
            }
            let err = |message: String| RenderError::KotsKind {
                path: file.path.clone(),
                message,
            };
            let rendered = match (api_version.as_str(), kind.as_str()) {
                (
                    "kots.io/v1beta1",
                    "Installation" | "License" | "IdentityConfig" | "ConfigValues",
                ) => doc.text,
                ("kots.io/v1beta1", "Config") => match config {
                    Some(c) => c.to_yaml().map_err(|e| err(e.to_string()))?,
                    None => doc.text,
                },
                ("kots.io/v1beta1" | "kots.io/v1beta2", "HelmChart") => builder
                    .render(&file.path, text)
                    .map_err(|e| err(e.message))?,
                _ => {
                    let expanded = variadic::process(&doc.text, config).map_err(err)?;
                    builder
                        .render(&file.path, &expanded)
                        .map_err(|e| err(e.message))?
                }
            };
            docs.push(rendered);
        }
        if !docs.is_empty() {
            out.push(RenderedFile {
                path: file.path.clone(),
                content: docs.join("\n---\n"),
            });
        }
    }
    Ok(out)
}

/// The HelmChart documents among the rendered KOTS kinds.
fn helm_charts(kots_kinds: &[RenderedFile]) -> Result<Vec<(String, helm::Chart)>, RenderError> {
    let mut out = Vec::new();
    for file in kots_kinds {
        for doc in split_documents(&file.content) {
            if !base::names_kind(&doc.text, "HelmChart") {
                continue;
            }
            let Some((api_version, kind)) = base::api_version_kind(&doc.text) else {
                continue;
            };
            if kind != "HelmChart"
                || !matches!(api_version.as_str(), "kots.io/v1beta1" | "kots.io/v1beta2")
            {
                continue;
            }
            let err = |message: String| RenderError::Kinds {
                path: file.path.clone(),
                message,
            };
            let object = Object::from_yaml(&doc.text).map_err(|e| err(e.to_string()))?;
            match kinds::decode(&object).map_err(|e| err(e.to_string()))? {
                Some(Kind::HelmChartV1Beta1(c)) => {
                    out.push((file.path.clone(), helm::Chart::V1Beta1(c)))
                }
                Some(Kind::HelmChartV1Beta2(c)) => {
                    out.push((file.path.clone(), helm::Chart::V1Beta2(c)))
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The first Application among the rendered KOTS kinds (its images and `proxyPublicImages` are
/// what KOTS's midstream reads); one that does not decode counts as absent.
fn rendered_application(kots_kinds: &[RenderedFile]) -> Option<Application> {
    kots_kinds
        .iter()
        .flat_map(|f| split_documents(&f.content))
        .filter(|d| base::names_kind(&d.text, "Application"))
        .filter_map(|d| Object::from_yaml(&d.text).ok())
        .find(|o| o.api_version() == Application::API_VERSION && o.kind() == Application::KIND)
        .and_then(|o| Application::from_object(&o).ok())
}

/// `renderReplicated` for the common base: per file, KOTS kinds removed, repeatable items
/// expanded, the whole file rendered, then split into base files and filtered.
fn render_base(
    release: &Release,
    builder: &Builder,
    config: Option<&Config>,
    threads: usize,
    summary: &mut Summary,
) -> Result<Vec<(String, Object)>, RenderError> {
    let files: Vec<&ReleaseFile> = release
        .files()
        .iter()
        .filter(|f| !f.is_archive() && f.text().is_some())
        .collect();
    let rendered: Vec<Result<Vec<(String, base::Outcome)>, RenderError>> =
        if threads <= 1 || files.len() < 2 {
            files
                .iter()
                .map(|f| render_file(f, builder, config))
                .collect()
        } else {
            let chunk = files.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = files
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .map(|f| render_file(f, builder, config))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| {
                        h.join().unwrap_or_else(|_| {
                            vec![Err(RenderError::Template {
                                path: String::new(),
                                message: "a render thread panicked".into(),
                            })]
                        })
                    })
                    .collect()
            })
        };
    let mut objects = Vec::new();
    for result in rendered {
        for (path, outcome) in result? {
            match outcome {
                base::Outcome::Included(object) => objects.push((path, object)),
                base::Outcome::Excluded => summary.excluded.push(path),
                base::Outcome::Skipped(reason) => {
                    summary.skipped.push(SkippedFile { path, reason })
                }
                base::Outcome::Dropped => {}
            }
        }
    }
    Ok(objects)
}

fn render_file(
    file: &ReleaseFile,
    builder: &Builder,
    config: Option<&Config>,
) -> Result<Vec<(String, base::Outcome)>, RenderError> {
    let text = file.text().unwrap_or_default();
    let Some(text) = base::without_kots_kinds(text) else {
        return Ok(Vec::new());
    };
    let expanded = variadic::process(&text, config).map_err(|message| RenderError::Variadic {
        path: file.path.clone(),
        message,
    })?;
    let rendered = builder
        .render(&file.path, &expanded)
        .map_err(|e| RenderError::Template {
            path: file.path.clone(),
            message: e.message,
        })?;
    base::single_doc_base_files(&file.path, &rendered)
        .into_iter()
        .map(|(path, doc)| base::classify(&path, &doc).map(|outcome| (path, outcome)))
        .collect()
}

/// The midstream: duplicates merged, pull secrets and patches, images rewritten, labels and
/// annotations.
fn finish_objects(
    base: Vec<(String, Object)>,
    inputs: &TemplateInputs,
    license: Option<&License>,
    application: Option<&Application>,
    options: &RenderOptions,
    summary: &mut Summary,
) -> Result<Vec<RenderedObject>, RenderError> {
    let base = finish::merge_duplicates(base);
    let with_images: BTreeSet<usize> = base
        .iter()
        .enumerate()
        .filter(|(_, (_, o))| !finish::list_images(o).is_empty())
        .map(|(i, _)| i)
        .collect();
    let base_images: BTreeSet<String> = base
        .iter()
        .flat_map(|(_, o)| finish::list_images(o))
        .collect();
    let mut images = base_images.clone();
    if let Some(app) = application {
        images.extend(app.spec.additional_images.iter().cloned());
    }
    summary.images = images.iter().cloned().collect();

    let finishing = &options.finishing;
    let slug = inputs.app_slug.as_str();
    let rewrites = if finishing.rewrite_images {
        image_rewrites(&base_images, &images, inputs, license, application, options)?
    } else {
        Vec::new()
    };
    let (registries, username, password) = pull_secret_credentials(inputs, license, options);
    let secrets = pull_secrets(&PullSecretOptions {
        registries: &registries,
        username: &username,
        password: &password,
        namespace: &options.namespace,
        name_prefix: slug,
        embedded_cluster: false,
    });
    let app_secret = secrets
        .app
        .as_ref()
        .and_then(|s| s.name().map(str::to_string));

    let mut objects: Vec<RenderedObject> = Vec::new();
    for (i, (path, mut object)) in base.into_iter().enumerate() {
        if finishing.image_pull_secrets && with_images.contains(&i) {
            if let Some(secret) = &app_secret {
                finish::add_image_pull_secret(&mut object, secret);
            }
        }
        objects.push(RenderedObject { path, object });
    }
    if finishing.pull_secrets {
        for secret in secrets.app.into_iter().chain([secrets.admin_console]) {
            objects.push(RenderedObject {
                path: "secret.yaml".into(),
                object: secret,
            });
        }
    }
    for rendered in &mut objects {
        finish::rewrite_images(&mut rendered.object, &rewrites);
        finish::label_and_annotate(&mut rendered.object, slug, finishing);
    }
    Ok(objects)
}

/// The kustomize `images` list of the midstream: to the local registry for every image, else the
/// private images through the proxy (`RewriteImages` / `RewritePrivateImages`).
fn image_rewrites(
    base_images: &BTreeSet<String>,
    all_images: &BTreeSet<String>,
    inputs: &TemplateInputs,
    license: Option<&License>,
    application: Option<&Application>,
    options: &RenderOptions,
) -> Result<Vec<KustomizeImage>, RenderError> {
    let image_err = |e: kots_core::image::ImageError| RenderError::Image(e.to_string());
    if options.registry.is_set() {
        let registry = Registry::new(
            options.registry.hostname.clone(),
            options.registry.namespace.clone(),
        );
        let images: Vec<&String> = all_images.iter().collect();
        return Ok(kustomization_images(
            registry.rewrite_images(&images).map_err(image_err)?,
        ));
    }
    if license.is_none() {
        return Ok(Vec::new());
    }
    let proxy_all = options.airgap || application.is_some_and(|a| a.spec.proxy_public_images);
    let is_private = |image: &str| proxy_all || options.private_images.iter().any(|p| p == image);
    let images: Vec<&String> = base_images.iter().collect();
    let license_slug = license.map_or("", |l| l.spec.app_slug.as_str());
    let entries = inputs
        .proxy_info()
        .rewrite_private_images(&images, is_private, license_slug)
        .map_err(image_err)?;
    Ok(kustomization_images(entries))
}

/// Registries and credentials of the pull secrets (`WriteMidstream`).
fn pull_secret_credentials(
    inputs: &TemplateInputs,
    license: Option<&License>,
    options: &RenderOptions,
) -> (Vec<String>, String, String) {
    if options.registry.is_set() && options.finishing.rewrite_images {
        let r = &options.registry;
        return (
            vec![r.hostname.clone()],
            r.username.clone(),
            r.password.clone(),
        );
    }
    match license {
        Some(license) => {
            let info = inputs.proxy_info();
            let registries = info
                .pull_secret_registries()
                .iter()
                .map(|s| s.to_string())
                .collect();
            (
                registries,
                "LICENSE_ID".into(),
                license.spec.license_id.clone(),
            )
        }
        None => (Vec::new(), String::new(), String::new()),
    }
}
