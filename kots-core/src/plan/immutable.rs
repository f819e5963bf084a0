//! Offline replacement detection: fields the API server refuses to change in place.
//!
//! A change to any of them cannot be applied as an update; the object must be deleted and created
//! again. Detecting it here turns an apply-time "field is immutable" failure into a planned
//! `replace` with a safety rating.

use super::model::{ChangeKind, FieldChange};
use super::semantic::parse_quantity;
use crate::manifest::Object;

/// When a change to a listed field forces a replace.
#[derive(Clone, Copy)]
enum When {
    /// Any change.
    Any,
    /// Only a change between two set values (the server fills the field when it is omitted).
    BothSet,
    /// Only a decrease of a quantity (volume expansion is allowed, shrinking is not).
    Decrease,
}

/// `(group, kind, field, when)`; groups are canonical.
const RULES: &[(&str, &str, &str, When)] = &[
    ("apps", "Deployment", "/spec/selector", When::Any),
    ("apps", "ReplicaSet", "/spec/selector", When::Any),
    ("apps", "DaemonSet", "/spec/selector", When::Any),
    ("apps", "StatefulSet", "/spec/selector", When::Any),
    (
        "apps",
        "StatefulSet",
        "/spec/volumeClaimTemplates",
        When::Any,
    ),
    ("apps", "StatefulSet", "/spec/serviceName", When::Any),
    (
        "apps",
        "StatefulSet",
        "/spec/podManagementPolicy",
        When::Any,
    ),
    ("batch", "Job", "/spec/selector", When::Any),
    ("batch", "Job", "/spec/template", When::Any),
    ("", "Service", "/spec/clusterIP", When::BothSet),
    ("", "Service", "/spec/clusterIPs", When::BothSet),
    (
        "",
        "PersistentVolumeClaim",
        "/spec/storageClassName",
        When::BothSet,
    ),
    (
        "",
        "PersistentVolumeClaim",
        "/spec/volumeName",
        When::BothSet,
    ),
    ("", "PersistentVolumeClaim", "/spec/accessModes", When::Any),
    ("", "PersistentVolumeClaim", "/spec/volumeMode", When::Any),
    ("", "PersistentVolumeClaim", "/spec/selector", When::Any),
    (
        "",
        "PersistentVolumeClaim",
        "/spec/resources/requests/storage",
        When::Decrease,
    ),
    ("", "Secret", "/type", When::Any),
    (
        "rbac.authorization.k8s.io",
        "RoleBinding",
        "/roleRef",
        When::Any,
    ),
    (
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        "/roleRef",
        When::Any,
    ),
    (
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        "/spec/scope",
        When::Any,
    ),
    ("storage.k8s.io", "StorageClass", "/provisioner", When::Any),
    ("storage.k8s.io", "StorageClass", "/parameters", When::Any),
    (
        "storage.k8s.io",
        "StorageClass",
        "/reclaimPolicy",
        When::Any,
    ),
    (
        "storage.k8s.io",
        "StorageClass",
        "/volumeBindingMode",
        When::Any,
    ),
];

/// Pod fields that may change in place; every other `/spec` change replaces a Pod.
const POD_MUTABLE: &[&str] = &["image", "activeDeadlineSeconds", "tolerations"];

/// The immutable fields among `changes` (JSON pointers, deduplicated, in rule order).
pub(crate) fn immutable_fields(group: &str, old: &Object, changes: &[FieldChange]) -> Vec<String> {
    let kind = old.kind();
    let mut fields: Vec<String> = RULES
        .iter()
        .filter(|(g, k, _, _)| *g == group && *k == kind)
        .filter(|(_, _, field, when)| changes.iter().any(|c| forces(c, field, *when)))
        .map(|(_, _, field, _)| field.to_string())
        .collect();
    if group.is_empty() && (kind == "ConfigMap" || kind == "Secret") && is_immutable(old) {
        for field in ["/data", "/binaryData", "/immutable"] {
            if changes.iter().any(|c| under(&c.path, field)) {
                fields.push(field.to_string());
            }
        }
    }
    if group.is_empty() && kind == "Pod" && changes.iter().any(pod_spec_immutable) {
        fields.push("/spec".to_string());
    }
    fields
}

fn forces(change: &FieldChange, field: &str, when: When) -> bool {
    if !under(&change.path, field) {
        return false;
    }
    match when {
        When::Any => true,
        When::BothSet => change.change == ChangeKind::Changed,
        When::Decrease => {
            let q = |v: &Option<serde_json::Value>| {
                v.as_ref().and_then(|v| match v {
                    serde_json::Value::String(s) => parse_quantity(s),
                    other => parse_quantity(&other.to_string()),
                })
            };
            matches!((q(&change.old), q(&change.new)), (Some(a), Some(b)) if b < a)
        }
    }
}

fn under(path: &str, field: &str) -> bool {
    path == field
        || path
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn is_immutable(obj: &Object) -> bool {
    obj.as_map().get("immutable").and_then(|v| v.as_bool()) == Some(true)
}

fn pod_spec_immutable(change: &FieldChange) -> bool {
    if !under(&change.path, "/spec") {
        return false;
    }
    let segments: Vec<&str> = change.path.split('/').skip(2).collect();
    let mutable = match segments.as_slice() {
        ["containers" | "initContainers", _, "image"] => true,
        [field, ..] => POD_MUTABLE.contains(field) && *field != "image",
        [] => false,
    };
    !mutable
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::semantic::diff_objects;

    fn fields(a: &str, b: &str) -> Vec<String> {
        let (a, b) = (Object::from_yaml(a).unwrap(), Object::from_yaml(b).unwrap());
        let group = crate::plan::identity::canonical_group(a.group(), a.kind()).to_string();
        immutable_fields(&group, &a, &diff_objects(&a, &b, &[]))
    }

    #[test]
    fn selector_and_claim_template_changes_replace() {
        let a = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {serviceName: db, selector: {matchLabels: {app: db}}, replicas: 1}\n";
        let b = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {serviceName: db2, selector: {matchLabels: {app: db2}}, replicas: 3}\n";
        assert_eq!(fields(a, b), vec!["/spec/selector", "/spec/serviceName"]);
    }

    #[test]
    fn pvc_growth_is_an_update_and_shrinking_a_replace() {
        let pvc = |size: &str| {
            format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: d}}\nspec: {{resources: {{requests: {{storage: {size}}}}}}}\n")
        };
        assert!(fields(&pvc("1Gi"), &pvc("2Gi")).is_empty());
        assert_eq!(
            fields(&pvc("2Gi"), &pvc("1Gi")),
            vec!["/spec/resources/requests/storage"]
        );
    }

    #[test]
    fn cluster_ip_only_when_both_set() {
        let svc = |ip: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec: {{{ip}ports: [{{port: 80}}]}}\n")
        };
        assert!(fields(&svc("clusterIP: 10.0.0.1, "), &svc("")).is_empty());
        assert_eq!(
            fields(&svc("clusterIP: 10.0.0.1, "), &svc("clusterIP: 10.0.0.2, ")),
            vec!["/spec/clusterIP"]
        );
    }

    #[test]
    fn immutable_configmaps_and_role_refs() {
        let cm = |v: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\nimmutable: true\ndata: {{a: {v}}}\n")
        };
        assert_eq!(fields(&cm("x"), &cm("y")), vec!["/data"]);
        let rb = |r: &str| {
            format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b}}\nroleRef: {{kind: Role, name: {r}}}\n")
        };
        assert_eq!(fields(&rb("a"), &rb("b")), vec!["/roleRef"]);
    }

    #[test]
    fn pod_image_changes_in_place() {
        let pod = |img: &str, extra: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{{name: c, image: {img}{extra}}}]}}\n")
        };
        assert!(fields(&pod("a", ""), &pod("b", "")).is_empty());
        assert_eq!(
            fields(&pod("a", ""), &pod("a", ", args: [x]")),
            vec!["/spec"]
        );
    }
}
