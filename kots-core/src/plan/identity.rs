//! Object identity: group + kind + namespace + name, with API-group migrations folded into one
//! canonical group and the namespace defaulted for namespaced kinds.
//!
//! The version never takes part (no tool uses it). Unlike KOTS, the group does (KOTS keys on
//! kind, name and namespace only), but moves of built-in kinds between groups (`extensions` →
//! `apps`, `extensions` → `networking.k8s.io`, `extensions` → `policy`) map to the same identity,
//! so such a move is one update rather than a delete and a create (helm/helm#30631). Version-only
//! moves (`batch/v1beta1` → `batch/v1`, `policy/v1beta1` → `policy/v1`, `autoscaling/v2beta2` →
//! `autoscaling/v2`) keep their group and so their identity.

use std::collections::HashMap;
use std::fmt;

use super::model::ObjectRef;
use super::PlanError;
use crate::manifest::Object;

/// Identity of an object for matching between versions, borrowed from the object (planning
/// 10,000 objects must not allocate per key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> Key<'a> {
    pub fn new(
        group: &'a str,
        kind: &'a str,
        namespace: Option<&'a str>,
        name: &'a str,
    ) -> Key<'a> {
        Key {
            group: canonical_group(group, kind),
            kind,
            namespace,
            name,
        }
    }

    /// The identity of this key's object, whose `apiVersion` is given, as written.
    pub fn object_ref(&self, api_version: &str) -> ObjectRef {
        let (group, version) = split_api_version(api_version);
        ObjectRef {
            group: group.to_string(),
            version: version.to_string(),
            kind: self.kind.to_string(),
            namespace: self.namespace.map(str::to_string),
            name: self.name.to_string(),
        }
    }
}

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind)?;
        if !self.group.is_empty() {
            write!(f, ".{}", self.group)?;
        }
        if let Some(ns) = &self.namespace {
            write!(f, "/{ns}")?;
        }
        write!(f, "/{}", self.name)
    }
}

/// The group a built-in kind lives in today, for groups it has moved out of.
pub(crate) fn canonical_group<'a>(group: &'a str, kind: &str) -> &'a str {
    match (group, kind) {
        ("extensions", "Deployment" | "DaemonSet" | "ReplicaSet") => "apps",
        ("extensions", "Ingress" | "NetworkPolicy") => "networking.k8s.io",
        ("extensions", "PodSecurityPolicy") => "policy",
        _ => group,
    }
}

/// Built-in kinds that are not namespaced.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Which kinds are cluster-scoped: the built-ins plus any CRD in the inputs with `scope: Cluster`.
/// A custom kind whose CRD is not in the inputs counts as namespaced, consistently on both sides.
pub(crate) struct Scopes<'o> {
    custom: HashMap<(&'o str, &'o str), bool>,
}

impl<'o> Scopes<'o> {
    pub fn from_objects(objects: impl Iterator<Item = &'o Object>) -> Scopes<'o> {
        let mut custom = HashMap::new();
        for obj in objects.filter(|o| is_crd(o)) {
            if let Some((group, kind, cluster)) = crd_target(obj) {
                custom.insert((group, kind), cluster);
            }
        }
        Scopes { custom }
    }

    pub fn is_cluster_scoped(&self, group: &str, kind: &str) -> bool {
        if self.custom.is_empty() {
            return CLUSTER_SCOPED.contains(&kind);
        }
        match self.custom.get(&(group, kind)) {
            Some(&cluster) => cluster,
            None => CLUSTER_SCOPED.contains(&kind),
        }
    }

    /// The identity of `obj`; `set` and `index` name it in errors.
    pub fn key_of<'a>(
        &self,
        obj: &'a Object,
        default_ns: &'a str,
        set: &str,
        index: usize,
    ) -> Result<Key<'a>, PlanError> {
        let head = Head::of(obj);
        let name = head
            .name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| PlanError::MissingName {
                set: set.to_string(),
                document: index,
                kind: head.kind.to_string(),
            })?;
        let group = split_api_version(head.api_version).0;
        let namespace = if self.is_cluster_scoped(group, head.kind) {
            None
        } else {
            Some(
                head.namespace
                    .filter(|n| !n.is_empty())
                    .unwrap_or(default_ns),
            )
        };
        Ok(Key::new(group, head.kind, namespace, name))
    }
}

pub(crate) fn is_crd(obj: &Object) -> bool {
    let head = Head::of(obj);
    head.kind == "CustomResourceDefinition"
        && split_api_version(head.api_version).0 == "apiextensions.k8s.io"
}

/// `(group, version)` of an `apiVersion` (`("", "v1")` for the core group).
pub(crate) fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// The fields planning reads from every object, found in one pass over the top-level and
/// `metadata` keys: the `Object` accessors hash the key on every call, and planning reads these
/// a dozen times per object.
pub(crate) struct Head<'a> {
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

impl<'a> Head<'a> {
    pub fn of(obj: &'a Object) -> Head<'a> {
        let mut head = Head {
            api_version: "",
            kind: "",
            name: None,
            namespace: None,
        };
        for (key, value) in obj.as_map() {
            match key.as_str() {
                "apiVersion" => head.api_version = value.as_str().unwrap_or_default(),
                "kind" => head.kind = value.as_str().unwrap_or_default(),
                "metadata" => {
                    for (key, value) in value.as_object().into_iter().flatten() {
                        match key.as_str() {
                            "name" => head.name = value.as_str(),
                            "namespace" => head.namespace = value.as_str(),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        head
    }
}

/// `(spec.group, spec.names.kind, cluster-scoped)` of a CRD.
pub(crate) fn crd_target(obj: &Object) -> Option<(&str, &str, bool)> {
    let spec = obj.as_map().get("spec")?;
    let group = spec.get("group")?.as_str()?;
    let kind = spec.get("names")?.get("kind")?.as_str()?;
    let cluster = spec.get("scope").and_then(|s| s.as_str()) == Some("Cluster");
    Some((group, kind, cluster))
}

/// One object of an input set with its identity.
pub(crate) struct Entry<'a> {
    pub obj: &'a Object,
    pub key: Key<'a>,
    pub api_version: &'a str,
    /// Position in its set (document order).
    pub index: usize,
    /// `None` for the last successful release; `Some(n)` for failed attempt `n`.
    pub attempt: Option<usize>,
}

/// Indexes one input set by identity; two objects with one identity are an error.
pub(crate) fn index_set<'a>(
    objects: &'a [Object],
    scopes: &Scopes<'_>,
    default_ns: &'a str,
    set: &str,
    attempt: Option<usize>,
) -> Result<HashMap<Key<'a>, Entry<'a>>, PlanError> {
    let mut map: HashMap<Key<'a>, Entry<'a>> = HashMap::with_capacity(objects.len());
    for (index, obj) in objects.iter().enumerate() {
        let key = scopes.key_of(obj, default_ns, set, index)?;
        if let Some(first) = map.get(&key) {
            return Err(PlanError::Duplicate {
                set: set.to_string(),
                key: key.to_string(),
                first: first.index,
                second: index,
            });
        }
        map.insert(
            key,
            Entry {
                obj,
                key,
                api_version: obj.api_version(),
                index,
                attempt,
            },
        );
    }
    Ok(map)
}

/// The previous inventory: the last release, overlaid by each failed attempt in order, so every
/// object any of them created is known and the newest copy of each object wins.
pub(crate) fn previous_inventory<'a>(
    last: &'a [Object],
    failed: &'a [Vec<Object>],
    scopes: &Scopes<'_>,
    default_ns: &'a str,
) -> Result<HashMap<Key<'a>, Entry<'a>>, PlanError> {
    let mut map = index_set(last, scopes, default_ns, "previous", None)?;
    for (n, attempt) in failed.iter().enumerate() {
        let set = format!("failedAttempts[{n}]");
        map.extend(index_set(attempt, scopes, default_ns, &set, Some(n))?);
    }
    Ok(map)
}

/// The live snapshot by identity (first copy wins when the server listed one object twice).
pub(crate) fn index_live<'a>(
    live: &'a [Object],
    scopes: &Scopes<'_>,
    default_ns: &'a str,
) -> HashMap<Key<'a>, &'a Object> {
    let mut map = HashMap::with_capacity(live.len());
    for (index, obj) in live.iter().enumerate() {
        if let Ok(key) = scopes.key_of(obj, default_ns, "live", index) {
            map.entry(key).or_insert(obj);
        }
    }
    map
}

/// `metadata.uid` of an object, when set.
pub(crate) fn uid(obj: &Object) -> Option<&str> {
    obj.metadata()?
        .get("uid")?
        .as_str()
        .filter(|u| !u.is_empty())
}
