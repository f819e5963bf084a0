//! KOTS's own rules (kots-internals §7.2, `pkg/operator/client/{delete,resource,gvkn}.go`): the
//! kind orders, the phase annotations, and the set `diffAndDeleteManifests` would delete.

use std::collections::HashMap;

use super::identity::Head;
use super::input::Policy;
use super::model::KotsDelete;
use crate::manifest::Object;

pub(crate) const CREATION_PHASE: &str = "kots.io/creation-phase";
pub(crate) const DELETION_PHASE: &str = "kots.io/deletion-phase";

/// `KindCreationOrder` (copied by KOTS from Helm v3.15.4's InstallOrder).
pub(crate) const KIND_CREATION_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// `KindDeletionOrder` (Helm v3.15.4's UninstallOrder).
pub(crate) const KIND_DELETION_ORDER: &[&str] = &[
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

/// Position of `kind` in a KOTS kind list.
pub(crate) fn rank(order: &[&str], kind: &str) -> Option<usize> {
    order.iter().position(|k| *k == kind)
}

/// The phase annotation as KOTS reads it (`GroupByPhaseAnnotation`): `strconv.ParseInt(s, 10,
/// 64)`, with a missing or unparsable value counting as 0.
pub(crate) fn phase(obj: &Object, annotation: &str) -> i64 {
    obj.annotations()
        .and_then(|a| a.get(annotation))
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// KOTS's identity key (`GetGVKWithNameAndNs`): `<kind>-<name>-<namespace>`, the namespace
/// defaulting to the target namespace for every object (cluster-scoped ones included), and CRDs
/// prefixed with their apiVersion so a CRD version change deletes and re-creates it.
fn kots_key<'o>(obj: &'o Object, target_ns: &'o str) -> (String, &'o str) {
    let head = Head::of(obj);
    let ns = head
        .namespace
        .filter(|n| !n.is_empty())
        .unwrap_or(target_ns);
    let (kind, name) = (head.kind, head.name.unwrap_or_default());
    let crd =
        kind == "CustomResourceDefinition" && head.api_version.starts_with("apiextensions.k8s.io/");
    let mut key =
        String::with_capacity(head.api_version.len() + kind.len() + name.len() + ns.len() + 3);
    if crd {
        key.push_str(head.api_version);
        key.push('-');
    }
    for (i, part) in [kind, name, ns].into_iter().enumerate() {
        if i > 0 {
            key.push('-');
        }
        key.push_str(part);
    }
    (key, ns)
}

/// The objects `diffAndDeleteManifests` deletes, in the order `groupAndSortResourcesForDeletion`
/// gives them. KOTS's own order among unknown kinds and within one kind is Go map order; here
/// unknown kinds sort by name and objects by document order.
pub(crate) fn kots_delete_set(
    previous: &[Object],
    new: &[Object],
    policy: &Policy,
) -> Vec<KotsDelete> {
    let target = policy.namespace.as_str();
    let current: std::collections::HashSet<String> =
        new.iter().map(|o| kots_key(o, target).0).collect();
    // A later document with the same key replaces the earlier one, as the Go map assignment does.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut docs: Vec<(usize, &Object, String, &str)> = Vec::new();
    for (i, obj) in previous.iter().enumerate() {
        let (key, ns) = kots_key(obj, target);
        match by_key.get(&key) {
            Some(&slot) => docs[slot] = (i, obj, key, ns),
            None => {
                by_key.insert(key.clone(), docs.len());
                docs.push((i, obj, key, ns));
            }
        }
    }
    let mut deletes: Vec<(usize, &Object, String, &str)> = docs
        .into_iter()
        .filter(|(_, obj, key, _)| !current.contains(key) && kots_deletes(obj, policy))
        .collect();
    deletes.sort_by_cached_key(|(i, obj, _, _)| {
        let r = rank(KIND_DELETION_ORDER, obj.kind());
        let unknown_kind = if r.is_none() {
            obj.kind().to_string()
        } else {
            String::new()
        };
        (phase(obj, DELETION_PHASE), r.is_some(), unknown_kind, r, *i)
    });
    deletes
        .into_iter()
        .map(|(_, obj, kots_key, namespace)| KotsDelete {
            kots_key,
            api_version: obj.api_version().to_string(),
            kind: obj.kind().to_string(),
            namespace: namespace.to_string(),
            name: obj.name().unwrap_or_default().to_string(),
            phase: phase(obj, DELETION_PHASE),
        })
        .collect()
}

/// KOTS's exclusions: `v1` Namespaces in `additionalNamespaces`, and `kots.io/keep: "true"`.
fn kots_deletes(obj: &Object, policy: &Policy) -> bool {
    let protected_ns = obj.api_version() == "v1"
        && obj.kind() == "Namespace"
        && obj
            .name()
            .is_some_and(|n| policy.additional_namespaces.iter().any(|a| a == n));
    let keep = obj
        .annotations()
        .and_then(|a| a.get("kots.io/keep"))
        .and_then(|v| v.as_str())
        == Some("true");
    !protected_ns && !keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_manifests;

    #[test]
    fn kots_keys_ignore_the_group_and_prefix_crds() {
        let objs = parse_manifests(
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n---\napiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: c.x.io}\n",
        )
        .unwrap();
        assert_eq!(kots_key(&objs[0], "app").0, "Ingress-i-app");
        assert_eq!(
            kots_key(&objs[1], "app").0,
            "apiextensions.k8s.io/v1beta1-CustomResourceDefinition-c.x.io-app"
        );
    }

    #[test]
    fn delete_set_follows_kots_order_and_exclusions() {
        let previous = parse_manifests(concat!(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n---\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n",
            "apiVersion: x.io/v1\nkind: Widget\nmetadata: {name: w}\n---\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: k, annotations: {kots.io/keep: 'true'}}\n---\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s, annotations: {kots.io/deletion-phase: '-1'}}\n---\n",
            "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: w.x.io}\n",
        ))
        .unwrap();
        let new = parse_manifests(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w.x.io}\n",
        )
        .unwrap();
        let policy = Policy {
            additional_namespaces: vec!["extra".into()],
            ..Policy::default()
        };
        let set = kots_delete_set(&previous, &new, &policy);
        let names: Vec<_> = set.iter().map(|d| (d.kind.as_str(), d.phase)).collect();
        assert_eq!(
            names,
            vec![
                ("Service", -1),
                ("Widget", 0),
                ("Deployment", 0),
                ("CustomResourceDefinition", 0),
                ("ConfigMap", 0)
            ]
        );
    }

    #[test]
    fn phases_parse_like_go() {
        let obj = |v: &str| {
            Object::from_yaml(&format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{kots.io/creation-phase: '{v}'}}}}\n")).unwrap()
        };
        assert_eq!(phase(&obj("+3"), CREATION_PHASE), 3);
        assert_eq!(phase(&obj("-2"), CREATION_PHASE), -2);
        assert_eq!(phase(&obj("1.5"), CREATION_PHASE), 0);
        assert_eq!(phase(&obj(" 1"), CREATION_PHASE), 0);
    }
}
