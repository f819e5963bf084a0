//! Finding the images of rendered manifests (kots-internals §6.1).
//!
//! [`DiscoveryMode::Kots`] reproduces KOTS: `kind: Pod` lists `spec.{containers,initContainers}`,
//! every other kind `spec.template.spec…` and `spec.jobTemplate.spec.template.spec…`; a document
//! whose fields KOTS's typed YAML decoding would reject is skipped, and a container without an
//! image contributes `""` as it does in KOTS. [`DiscoveryMode::Complete`] also finds
//! `ephemeralContainers` and containers of pod templates at any depth of any kind (PodTemplate,
//! Argo Rollouts, operators' CRs…). Both add the Application's `additionalImages` and the images of
//! troubleshoot collectors (SupportBundle, Collector, Preflight).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{ImageError, Reference, Registry};
use crate::kinds::{is_kots_kind, Application, KotsResource};
use crate::manifest::Object;

/// Which rules find images.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DiscoveryMode {
    /// KOTS's own rules, for byte-compatible results.
    #[default]
    Kots,
    /// Every container list of every pod spec, found by shape.
    Complete,
}

/// Where an image reference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImageSource {
    Container,
    InitContainer,
    EphemeralContainer,
    /// Application `spec.additionalImages`.
    AdditionalImage,
    /// A troubleshoot collector (`run`, `copyFromHost`, `sysctl`, `collectd` image, or `runPod` pod spec).
    Collector,
}

/// One place an image is referenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageLocation {
    /// Index of the document in the slice passed to [`discover`].
    pub document: usize,
    /// JSON pointer of the field (`/spec/template/spec/containers/0/image`).
    pub pointer: String,
    pub source: ImageSource,
}

/// One distinct image reference and everywhere it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundImage {
    /// The reference exactly as written.
    pub image: String,
    /// The documents using it, ascending, each once.
    pub documents: Vec<usize>,
    pub locations: Vec<ImageLocation>,
}

/// The images of a set of documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    /// Every distinct image, sorted by reference string.
    pub images: Vec<FoundImage>,
    /// The distinct workload images, sorted (KOTS's `FindImages` over the base).
    pub workload_images: Vec<String>,
    /// `additionalImages` then collector images, in document order, not deduplicated
    /// (KOTS's `GetImagesFromKotsKinds`).
    pub kots_kinds_images: Vec<String>,
    /// Documents whose pod specs list containers (they get `imagePullSecrets` patches).
    pub documents_with_images: Vec<usize>,
}

impl Discovery {
    /// KOTS's `allImages`: the workload images then the kots-kinds images. This is the list
    /// [`Registry::rewrite_images`] takes.
    pub fn kots_image_list(&self) -> Vec<String> {
        let mut all = self.workload_images.clone();
        all.extend(self.kots_kinds_images.iter().cloned());
        all
    }
}

/// Options of [`discover`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoverOptions {
    pub mode: DiscoveryMode,
    /// The destination registry, if any: collector images already on it are left out, as KOTS
    /// does (`registry endpoint starts with the image's domain`).
    pub registry: Option<Registry>,
}

/// Finds the images of `objects`.
///
/// ```
/// use kots_core::image::{discover, DiscoverOptions};
/// use kots_core::manifest::parse_manifests;
///
/// let objects = parse_manifests("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  \
///     containers: [{name: a, image: 'nginx:1'}]\n  initContainers: [{name: b, image: busybox}]\n").unwrap();
/// let found = discover(&objects, &DiscoverOptions::default()).unwrap();
/// assert_eq!(found.workload_images, ["busybox", "nginx:1"]);
/// assert_eq!(found.images[1].locations[0].pointer, "/spec/containers/0/image");
/// ```
pub fn discover(objects: &[Object], options: &DiscoverOptions) -> Result<Discovery, ImageError> {
    let mut locations: Vec<(String, ImageLocation)> = Vec::new();
    let mut documents_with_images = Vec::new();
    let mut kots_kinds_images = Vec::new();
    for (document, object) in objects.iter().enumerate() {
        let before = locations.len();
        if is_troubleshoot(object) {
            collector_images(object, document, options, &mut locations)?;
            kots_kinds_images.extend(locations[before..].iter().map(|(i, _)| i.clone()));
        } else if is_application(object) {
            let app =
                Application::from_object(object).map_err(|source| ImageError::Application {
                    document,
                    source: Box::new(source),
                })?;
            for (i, image) in app.spec.additional_images.iter().enumerate() {
                kots_kinds_images.push(image.clone());
                locations.push((
                    image.clone(),
                    location(
                        document,
                        format!("/spec/additionalImages/{i}"),
                        ImageSource::AdditionalImage,
                    ),
                ));
            }
        } else if !is_kots_kind(object.api_version(), object.kind()) {
            match options.mode {
                DiscoveryMode::Kots => kots_workload_images(object, document, &mut locations),
                DiscoveryMode::Complete => {
                    walk_pod_specs(object.as_map(), &mut Vec::new(), document, &mut locations)
                }
            }
            if locations.len() > before {
                documents_with_images.push(document);
            }
        }
    }
    Ok(assemble(
        locations,
        kots_kinds_images,
        documents_with_images,
    ))
}

fn assemble(
    locations: Vec<(String, ImageLocation)>,
    kots_kinds_images: Vec<String>,
    documents_with_images: Vec<usize>,
) -> Discovery {
    // Group by image (locations stay in document order), then sort the distinct images.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut images: Vec<FoundImage> = Vec::new();
    for (image, loc) in locations {
        let slot = *index.entry(image).or_insert_with_key(|image| {
            images.push(FoundImage {
                image: image.clone(),
                documents: Vec::new(),
                locations: Vec::new(),
            });
            images.len() - 1
        });
        let found = &mut images[slot];
        if found.documents.last() != Some(&loc.document) {
            found.documents.push(loc.document);
        }
        found.locations.push(loc);
    }
    images.sort_unstable_by(|a, b| a.image.cmp(&b.image));
    let workload_images = images
        .iter()
        .filter(|found| {
            found.locations.iter().any(|l| {
                matches!(
                    l.source,
                    ImageSource::Container
                        | ImageSource::InitContainer
                        | ImageSource::EphemeralContainer
                )
            })
        })
        .map(|found| found.image.clone())
        .collect();
    Discovery {
        images,
        workload_images,
        kots_kinds_images,
        documents_with_images,
    }
}

fn location(document: usize, pointer: String, source: ImageSource) -> ImageLocation {
    ImageLocation {
        document,
        pointer,
        source,
    }
}

fn is_application(object: &Object) -> bool {
    object.api_version() == Application::API_VERSION && object.kind() == Application::KIND
}

fn is_troubleshoot(object: &Object) -> bool {
    matches!(
        object.api_version(),
        "troubleshoot.sh/v1beta2" | "troubleshoot.replicated.com/v1beta1"
    ) && matches!(object.kind(), "SupportBundle" | "Collector" | "Preflight")
}

/// KOTS's `k8sdoc.ParseYAML` + `ListImages`: fixed paths, and the document is skipped when
/// yaml.v2 could not decode it into KOTS's structs.
fn kots_workload_images(object: &Object, document: usize, out: &mut Vec<(String, ImageLocation)>) {
    let map = object.as_map();
    if !kots_decodes(map) {
        return;
    }
    let spec = map.get("spec");
    let pod = object.kind() == "Pod";
    let lists: &[(&[&str], &str, ImageSource)] = if pod {
        &[
            (&["containers"], "/spec", ImageSource::Container),
            (&["initContainers"], "/spec", ImageSource::InitContainer),
        ]
    } else {
        &[
            (
                &["template", "spec", "containers"],
                "/spec",
                ImageSource::Container,
            ),
            (
                &["template", "spec", "initContainers"],
                "/spec",
                ImageSource::InitContainer,
            ),
            (
                &["jobTemplate", "spec", "template", "spec", "initContainers"],
                "/spec",
                ImageSource::InitContainer,
            ),
            (
                &["jobTemplate", "spec", "template", "spec", "containers"],
                "/spec",
                ImageSource::Container,
            ),
        ]
    };
    for (path, prefix, source) in lists {
        let Some(Value::Array(containers)) = spec.and_then(|s| get_path(s, path)) else {
            continue;
        };
        let base = format!("{prefix}/{}", path.join("/"));
        for (i, container) in containers.iter().enumerate() {
            let image = container.get("image").map_or(String::new(), scalar_text);
            out.push((
                image,
                location(document, format!("{base}/{i}/image"), *source),
            ));
        }
    }
}

fn get_path<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// The text yaml.v2 puts in a Go string field for a scalar (`null` is empty).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// Whether yaml.v2 decodes the document into KOTS's `Doc` (and `PodDoc` for pods) without a type
/// error: the fields those structs declare must have a compatible YAML type.
fn kots_decodes(map: &Map<String, Value>) -> bool {
    let metadata_ok = match map.get("metadata") {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => {
            ["name", "namespace"]
                .iter()
                .all(|k| m.get(*k).is_none_or(is_scalar))
                && match m.get("labels") {
                    None | Some(Value::Null) => true,
                    Some(Value::Object(labels)) => labels.values().all(is_scalar),
                    Some(_) => false,
                }
        }
        Some(_) => false,
    };
    let spec = match map.get("spec") {
        None | Some(Value::Null) => return metadata_ok,
        Some(Value::Object(spec)) => spec,
        Some(_) => return false,
    };
    let is_pod = map.get("kind").and_then(Value::as_str) == Some("Pod");
    metadata_ok
        && template_ok(spec.get("template"))
        && struct_ok(spec.get("jobTemplate"), |job| {
            struct_ok(job.get("spec"), |js| template_ok(js.get("template")))
        })
        && (!is_pod || pod_spec_ok(spec))
}

fn struct_ok(value: Option<&Value>, inner: impl Fn(&Map<String, Value>) -> bool) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => inner(m),
        Some(_) => false,
    }
}

fn template_ok(value: Option<&Value>) -> bool {
    struct_ok(value, |t| struct_ok(t.get("spec"), pod_spec_ok))
}

fn pod_spec_ok(spec: &Map<String, Value>) -> bool {
    let list_ok = |key: &str, item_ok: &dyn Fn(&Value) -> bool| match spec.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.iter().all(item_ok),
        Some(_) => false,
    };
    let container_ok = |c: &Value| {
        matches!(c, Value::Null) || struct_ok(Some(c), |m| m.get("image").is_none_or(is_scalar))
    };
    let secret_ok = |s: &Value| match s {
        Value::Null => true,
        Value::Object(m) => m.values().all(is_scalar),
        _ => false,
    };
    list_ok("containers", &container_ok)
        && list_ok("initContainers", &container_ok)
        && list_ok("imagePullSecrets", &secret_ok)
}

/// Complete mode: every `containers` / `initContainers` / `ephemeralContainers` list at any depth
/// whose entries are mappings with a string `image`. `path` is the pointer of `map`, as segments;
/// pointer strings are only built for the images found.
fn walk_pod_specs<'a>(
    map: &'a Map<String, Value>,
    path: &mut Vec<PathSegment<'a>>,
    document: usize,
    out: &mut Vec<(String, ImageLocation)>,
) {
    for (key, value) in map {
        path.push(PathSegment::Key(key));
        let source = match key.as_str() {
            "containers" => Some(ImageSource::Container),
            "initContainers" => Some(ImageSource::InitContainer),
            "ephemeralContainers" => Some(ImageSource::EphemeralContainer),
            _ => None,
        };
        if let (Some(source), Value::Array(items)) = (source, value) {
            for (i, item) in items.iter().enumerate() {
                if let Some(image) = item.get("image").and_then(Value::as_str) {
                    let pointer = format!("{}/{i}/image", render_pointer(path));
                    out.push((image.to_string(), location(document, pointer, source)));
                }
            }
        }
        walk_value(value, path, document, out);
        path.pop();
    }
}

fn walk_value<'a>(
    value: &'a Value,
    path: &mut Vec<PathSegment<'a>>,
    document: usize,
    out: &mut Vec<(String, ImageLocation)>,
) {
    match value {
        Value::Object(map) => walk_pod_specs(map, path, document, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSegment::Index(i));
                walk_value(item, path, document, out);
                path.pop();
            }
        }
        _ => {}
    }
}

enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

fn render_pointer(path: &[PathSegment<'_>]) -> String {
    let mut pointer = String::new();
    for segment in path {
        pointer.push('/');
        match segment {
            PathSegment::Key(key) => pointer.push_str(&escape_pointer(key)),
            PathSegment::Index(i) => pointer.push_str(&i.to_string()),
        }
    }
    pointer
}

/// JSON pointer escaping of one key (RFC 6901).
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The fields of troubleshoot's `Collect` struct, in declaration order: KOTS's `GetCollector`
/// takes the first one present.
const COLLECTOR_FIELDS: &[&str] = &[
    "clusterInfo",
    "clusterResources",
    "secret",
    "customMetrics",
    "configMap",
    "logs",
    "run",
    "runPod",
    "runDaemonSet",
    "exec",
    "data",
    "copy",
    "copyFromHost",
    "http",
    "postgres",
    "mssql",
    "mysql",
    "redis",
    "clickhouse",
    "collectd",
    "ceph",
    "longhorn",
    "registryImages",
    "sysctl",
    "certificates",
    "helm",
    "goldpinger",
    "sonobuoy",
    "nodeMetrics",
    "dns",
    "etcd",
    "supportBundleMetadata",
    "s3Status",
];

/// KOTS's `GetImagesFromKotsKinds` for one SupportBundle, Collector or Preflight. Complete mode
/// looks at every collector field rather than only the first, and at `runDaemonSet` pod specs.
fn collector_images(
    object: &Object,
    document: usize,
    options: &DiscoverOptions,
    out: &mut Vec<(String, ImageLocation)>,
) -> Result<(), ImageError> {
    let collectors = match object
        .as_map()
        .get("spec")
        .and_then(|s| s.get("collectors"))
    {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ImageError::FieldType {
                document,
                pointer: "/spec/collectors".into(),
                expected: "a list",
                found: crate::manifest::json_type_name(other),
            })
        }
    };
    for (i, collector) in collectors.iter().enumerate() {
        let Some(fields) = collector.as_object() else {
            continue;
        };
        let present = COLLECTOR_FIELDS
            .iter()
            .filter(|f| fields.get(**f).is_some_and(|v| !v.is_null()));
        let chosen: Vec<&str> = match options.mode {
            DiscoveryMode::Kots => present.take(1).copied().collect(),
            DiscoveryMode::Complete => present.copied().collect(),
        };
        for field in chosen {
            let base = format!("/spec/collectors/{i}/{field}");
            let value = &fields[field];
            let mut found = Vec::new();
            match field {
                "run" | "copyFromHost" | "sysctl" | "collectd" => {
                    let image = value.get("image").map_or(String::new(), scalar_text);
                    found.push((image, format!("{base}/image")));
                }
                "runPod" => {
                    pod_spec_images(value.get("podSpec"), &format!("{base}/podSpec"), &mut found)
                }
                "runDaemonSet" if options.mode == DiscoveryMode::Complete => {
                    pod_spec_images(value.get("podSpec"), &format!("{base}/podSpec"), &mut found)
                }
                _ => {}
            }
            for (image, pointer) in found {
                if keep_collector_image(&image, options.registry.as_ref(), document, &pointer)? {
                    out.push((image, location(document, pointer, ImageSource::Collector)));
                }
            }
        }
    }
    Ok(())
}

fn pod_spec_images(spec: Option<&Value>, base: &str, out: &mut Vec<(String, String)>) {
    for key in ["initContainers", "containers"] {
        if let Some(Value::Array(items)) = spec.and_then(|s| s.get(key)) {
            for (i, c) in items.iter().enumerate() {
                let image = c.get("image").map_or(String::new(), scalar_text);
                out.push((image, format!("{base}/{key}/{i}/image")));
            }
        }
    }
}

/// Collector images are skipped when empty, templated, or already on the destination registry.
fn keep_collector_image(
    image: &str,
    registry: Option<&Registry>,
    document: usize,
    pointer: &str,
) -> Result<bool, ImageError> {
    if image.is_empty() || image.contains("repl{{") || image.contains("{{repl") {
        return Ok(false);
    }
    let Some(registry) = registry else {
        return Ok(true);
    };
    let parsed = Reference::parse_docker_ref(image).map_err(|source| ImageError::InDocument {
        document,
        pointer: pointer.into(),
        source,
    })?;
    Ok(!registry.endpoint.starts_with(parsed.domain()))
}

#[cfg(test)]
#[path = "discover_tests.rs"]
mod tests;
