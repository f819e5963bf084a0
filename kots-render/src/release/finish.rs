//! KOTS's finishing of the base (kots-internals §5.6, §5.7, §6): duplicate objects merged as
//! strategic-merge patches, the pull secrets and `imagePullSecrets` patches, image rewriting, and
//! the `kots.io/app-slug` / `kots.io/backup` labels and annotations — what kustomize applies to
//! the midstream before KOTS deploys it.

use kots_core::image::KustomizeImage;
use kots_core::manifest::Object;
use serde::Serialize;
use serde_json::{Map, Value};

/// Which finishing steps run (all by default).
///
/// ```
/// use kots_render::release::Finishing;
/// let only_labels = Finishing { pull_secrets: false, image_pull_secrets: false, rewrite_images: false, ..Finishing::default() };
/// assert!(only_labels.app_slug_labels && only_labels.backup_label);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finishing {
    /// Add the `<slug>-registry` and `kotsadm-replicated-registry` pull secrets.
    pub pull_secrets: bool,
    /// Add `imagePullSecrets: [<slug>-registry]` to every workload with images.
    pub image_pull_secrets: bool,
    /// Label and annotate every object (and pod template) with `kots.io/app-slug`.
    pub app_slug_labels: bool,
    /// Label every object (and pod template) with `kots.io/backup: velero`.
    pub backup_label: bool,
    /// Rewrite images to the local registry, or private images to the proxy registry.
    pub rewrite_images: bool,
}

impl Default for Finishing {
    fn default() -> Self {
        Finishing {
            pull_secrets: true,
            image_pull_secrets: true,
            app_slug_labels: true,
            backup_label: true,
            rewrite_images: true,
        }
    }
}

/// `ListImages` (k8sdoc): the container images KOTS finds in one object.
pub(crate) fn list_images(object: &Object) -> Vec<String> {
    let map = object.as_map();
    let paths: &[&[&str]] = if object.kind() == "Pod" {
        &[&["spec", "containers"], &["spec", "initContainers"]]
    } else {
        &[
            &["spec", "template", "spec", "containers"],
            &["spec", "template", "spec", "initContainers"],
            &[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "spec",
                "initContainers",
            ],
            &[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "spec",
                "containers",
            ],
        ]
    };
    let mut images = Vec::new();
    for path in paths {
        let Some(Value::Array(containers)) = get_path(map, path) else {
            continue;
        };
        for container in containers {
            images.push(
                container
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    images
}

fn get_path<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let value = map.get(*first)?;
    if rest.is_empty() {
        Some(value)
    } else {
        get_path(value.as_object()?, rest)
    }
}

/// The map at `path`, created on the way when `create` is set (kustomize `create: true`).
fn map_at<'a>(
    map: &'a mut Map<String, Value>,
    path: &[&str],
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(map);
    };
    if !map.contains_key(*first) || map[*first].is_null() {
        if !create {
            return None;
        }
        map.insert(first.to_string(), Value::Object(Map::new()));
    }
    map_at(map.get_mut(*first)?.as_object_mut()?, rest, create)
}

/// Duplicate objects (same `apiVersion`, kind, name and namespace) go to
/// `patchesStrategicMerge` in KOTS: kustomize merges each later copy into the first.
pub(crate) fn merge_duplicates(objects: Vec<(String, Object)>) -> Vec<(String, Object)> {
    type Key = (String, String, Option<String>, Option<String>);
    let key = |o: &Object| -> Key {
        (
            o.api_version().to_string(),
            o.kind().to_string(),
            o.name().map(str::to_string),
            o.namespace().map(str::to_string),
        )
    };
    let mut first: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    let mut out: Vec<(String, Object)> = Vec::new();
    for (path, object) in objects {
        match first.entry(key(&object)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                strategic_merge(out[*e.get()].1.as_map_mut(), object.as_map())
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push((path, object));
            }
        }
    }
    out
}

/// A strategic merge without schemas: maps merge, `null` deletes, lists of named maps merge by
/// `name`, other lists are replaced.
fn strategic_merge(base: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match (base.get_mut(key), value) {
            (_, Value::Null) => {
                base.remove(key);
            }
            (Some(Value::Object(b)), Value::Object(p)) => strategic_merge(b, p),
            (Some(Value::Array(b)), Value::Array(p)) if is_named_list(b) && is_named_list(p) => {
                for item in p {
                    let name = item.get("name");
                    match b.iter_mut().find(|i| i.get("name") == name) {
                        Some(Value::Object(existing)) => {
                            if let Value::Object(p) = item {
                                strategic_merge(existing, p);
                            }
                        }
                        _ => b.push(item.clone()),
                    }
                }
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn is_named_list(list: &[Value]) -> bool {
    !list.is_empty()
        && list
            .iter()
            .all(|i| i.get("name").is_some_and(Value::is_string))
}

/// `PatchWithPullSecret`: adds `{name: secret}` to the pod spec's `imagePullSecrets` (merged by
/// name, as the strategic merge does).
pub(crate) fn add_image_pull_secret(object: &mut Object, secret: &str) {
    let path: &[&str] = match object.kind() {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    };
    let Some(spec) = map_at(object.as_map_mut(), path, true) else {
        return;
    };
    let entry = serde_json::json!({ "name": secret });
    match spec.get_mut("imagePullSecrets") {
        Some(Value::Array(list)) => {
            if !list
                .iter()
                .any(|i| i.get("name").and_then(Value::as_str) == Some(secret))
            {
                list.push(entry);
            }
        }
        _ => {
            spec.insert("imagePullSecrets".into(), Value::Array(vec![entry]));
        }
    }
}

/// A kustomize field spec: group/version/kind selector (empty matches all) and a path.
struct FieldSpec {
    group: Option<&'static str>,
    version: Option<&'static str>,
    kind: Option<&'static str>,
    path: &'static [&'static str],
}

const fn spec(
    group: Option<&'static str>,
    version: Option<&'static str>,
    kind: Option<&'static str>,
    path: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        group,
        version,
        kind,
        path,
    }
}

const POD_META: &[&str] = &["spec", "template", "metadata"];
const JOB_META: &[&str] = &["spec", "jobTemplate", "metadata"];
const JOB_POD_META: &[&str] = &["spec", "jobTemplate", "spec", "template", "metadata"];

/// kustomize's `commonAnnotations` field specs (the maps the annotations go into).
const ANNOTATION_SPECS: &[FieldSpec] = &[
    spec(None, None, None, &["metadata"]),
    spec(None, Some("v1"), Some("ReplicationController"), POD_META),
    spec(None, None, Some("Deployment"), POD_META),
    spec(None, None, Some("ReplicaSet"), POD_META),
    spec(None, None, Some("DaemonSet"), POD_META),
    spec(None, None, Some("StatefulSet"), POD_META),
    spec(Some("batch"), None, Some("Job"), POD_META),
    spec(Some("batch"), None, Some("CronJob"), JOB_META),
    spec(Some("batch"), None, Some("CronJob"), JOB_POD_META),
];

/// KOTS's backup LabelTransformer field specs (`backup-label-transformer.yaml`).
const LABEL_SPECS: &[FieldSpec] = &[
    spec(None, None, None, &["metadata"]),
    spec(None, Some("v1"), Some("ReplicationController"), POD_META),
    spec(None, None, Some("Deployment"), POD_META),
    spec(None, None, Some("ReplicaSet"), POD_META),
    spec(None, None, Some("DaemonSet"), POD_META),
    spec(Some("apps"), None, Some("StatefulSet"), POD_META),
    spec(Some("batch"), None, Some("Job"), POD_META),
    spec(Some("batch"), None, Some("CronJob"), JOB_META),
    spec(Some("batch"), None, Some("CronJob"), JOB_POD_META),
];

fn selected(spec: &FieldSpec, object: &Object) -> bool {
    spec.group.is_none_or(|g| g == object.group())
        && spec.version.is_none_or(|v| v == object.version())
        && spec.kind.is_none_or(|k| k == object.kind())
}

/// Sets `field.key = value` in every map the specs select (`create: true`).
fn set_in(object: &mut Object, specs: &[FieldSpec], field: &str, entries: &[(&str, &str)]) {
    let paths: Vec<&[&str]> = specs
        .iter()
        .filter(|s| selected(s, object))
        .map(|s| s.path)
        .collect();
    for path in paths {
        let Some(meta) = map_at(object.as_map_mut(), path, true) else {
            continue;
        };
        let target = meta
            .entry(field.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !target.is_object() {
            *target = Value::Object(Map::new());
        }
        if let Value::Object(target) = target {
            for (k, v) in entries {
                target.insert((*k).to_string(), Value::String((*v).to_string()));
            }
        }
    }
}

/// The midstream's `commonAnnotations` and backup LabelTransformer for one object.
pub(crate) fn label_and_annotate(object: &mut Object, slug: &str, finishing: &Finishing) {
    if finishing.app_slug_labels {
        set_in(
            object,
            ANNOTATION_SPECS,
            "annotations",
            &[("kots.io/app-slug", slug)],
        );
    }
    let mut labels: Vec<(&str, &str)> = Vec::new();
    if finishing.app_slug_labels {
        labels.push(("kots.io/app-slug", slug));
    }
    if finishing.backup_label {
        labels.push(("kots.io/backup", "velero"));
    }
    if !labels.is_empty() {
        set_in(object, LABEL_SPECS, "labels", &labels);
    }
}

/// kustomize's image transformer: every `image` of a map in a `containers` or `initContainers`
/// list, anywhere in the object, that matches an entry's name gets the new name (the tag and
/// digest are kept; KOTS clears `newTag` and `digest`).
pub(crate) fn rewrite_images(object: &mut Object, images: &[KustomizeImage]) {
    for image in images {
        let pattern = image_pattern(&image.name);
        walk_containers(object.as_map_mut(), &mut |container| {
            if let Some(Value::String(current)) = container.get("image") {
                if pattern.as_ref().is_some_and(|p| p.is_match(current)) {
                    let updated = updated_image(current, image);
                    container.insert("image".into(), Value::String(updated));
                }
            }
        });
    }
}

/// kustomize `IsImageMatched`: the name (as a regex, unescaped, as kustomize builds it) with an
/// optional tag and digest.
fn image_pattern(name: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$"
    ))
    .ok()
}

/// kustomize `image.Split` plus the updater: new name, the reference's own tag/digest unless the
/// entry overrides them.
fn updated_image(current: &str, image: &KustomizeImage) -> String {
    let (mut name, mut tag, mut digest) = split_image(current);
    if !image.new_name.is_empty() {
        name = image.new_name.clone();
    }
    match (image.new_tag.is_empty(), image.digest.is_empty()) {
        (false, false) => (tag, digest) = (image.new_tag.clone(), image.digest.clone()),
        (false, true) => (tag, digest) = (image.new_tag.clone(), String::new()),
        (true, false) => (tag, digest) = (String::new(), image.digest.clone()),
        (true, true) => {}
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    name
}

fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let digest_only = |id: usize| {
        let id = id + slash;
        (
            image[..id].to_string(),
            String::new(),
            image[id + 1..].to_string(),
        )
    };
    match (search.find('@'), search.find(':')) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(id), None) => digest_only(id),
        (Some(id), Some(ic)) if id < ic => digest_only(id),
        (Some(id), Some(ic)) => {
            let (id, ic) = (id + slash, ic + slash);
            (
                image[..ic].to_string(),
                image[ic + 1..id].to_string(),
                image[id + 1..].to_string(),
            )
        }
        (None, Some(ic)) => {
            let ic = ic + slash;
            (
                image[..ic].to_string(),
                image[ic + 1..].to_string(),
                String::new(),
            )
        }
    }
}

fn walk_containers(map: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    for (key, value) in map.iter_mut() {
        match value {
            Value::Array(items) if key == "containers" || key == "initContainers" => {
                for item in items.iter_mut() {
                    if let Value::Object(container) = item {
                        f(container);
                        walk_containers(container, f);
                    }
                }
            }
            Value::Array(items) => {
                for item in items.iter_mut() {
                    if let Value::Object(m) = item {
                        walk_containers(m, f);
                    }
                }
            }
            Value::Object(m) => walk_containers(m, f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Object {
        Object::from_yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      \
             labels: {app: web}\n    spec:\n      containers:\n      - {name: a, image: 'nginx:1@sha256:abc'}\n      \
             - {name: b, image: quay.io/x/nginx:2}\n",
        )
        .unwrap()
    }

    #[test]
    fn labels_annotations_and_pull_secrets() {
        let mut d = deployment();
        label_and_annotate(&mut d, "my-app", &Finishing::default());
        add_image_pull_secret(&mut d, "my-app-registry");
        let v = d.into_value();
        assert_eq!(v["metadata"]["labels"]["kots.io/backup"], "velero");
        assert_eq!(v["metadata"]["annotations"]["kots.io/app-slug"], "my-app");
        assert_eq!(v["spec"]["template"]["metadata"]["labels"]["app"], "web");
        assert_eq!(
            v["spec"]["template"]["metadata"]["annotations"]["kots.io/app-slug"],
            "my-app"
        );
        assert_eq!(
            v["spec"]["template"]["spec"]["imagePullSecrets"][0]["name"],
            "my-app-registry"
        );
    }

    #[test]
    fn images_keep_their_own_tag_and_digest() {
        let mut d = deployment();
        let entry = KustomizeImage {
            name: "nginx".into(),
            new_name: "ttl.sh/test/nginx".into(),
            ..Default::default()
        };
        rewrite_images(&mut d, &[entry]);
        let v = d.into_value();
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"][0]["image"],
            "ttl.sh/test/nginx:1@sha256:abc"
        );
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"][1]["image"],
            "quay.io/x/nginx:2"
        );
        assert_eq!(
            split_image("localhost:5000/a:b"),
            ("localhost:5000/a".into(), "b".into(), String::new())
        );
    }

    #[test]
    fn duplicates_merge_into_the_first() {
        let a = Object::from_yaml(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k1: '1', k2: '2'}\n",
        )
        .unwrap();
        let b = Object::from_yaml(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k2: '3'}\n",
        )
        .unwrap();
        let merged = merge_duplicates(vec![("a.yaml".into(), a), ("a-2.yaml".into(), b)]);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            merged[0].1.as_map()["data"],
            serde_json::json!({"k1": "1", "k2": "3"})
        );
    }
}
