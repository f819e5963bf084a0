//! References between objects, for the dependency-DAG order: an object depends on what it names.
//!
//! Edges (after kapp's default rules and diff-prune.md §(d)7): namespace membership; custom
//! resource → its CRD; pod templates → ConfigMaps, Secrets, ServiceAccounts, PVCs,
//! PriorityClasses, RuntimeClasses; StatefulSet → its governing Service and claim StorageClasses;
//! PVC/PV → StorageClass; RoleBinding → Role/ClusterRole and subject ServiceAccounts; Ingress →
//! IngressClass and backend Services; HPA → its scale target; APIService and webhooks → their
//! Service.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::identity::Key;
use crate::manifest::Object;

const RBAC: &str = "rbac.authorization.k8s.io";

/// Everything `obj` (identified by `key`) refers to. `crds` maps a custom `(group, kind)` to its
/// CRD's identity.
pub(crate) fn references<'a>(
    obj: &'a Object,
    key: &Key<'a>,
    crds: &HashMap<(&'a str, &'a str), Key<'a>>,
) -> Vec<Key<'a>> {
    let mut out = Vec::new();
    let ns = key.namespace;
    if let Some(ns) = ns {
        out.push(Key::new("", "Namespace", None, ns));
    }
    if let Some(crd) = crds.get(&(key.group, key.kind)) {
        out.push(*crd);
    }
    let root = obj.as_map();
    let spec = root.get("spec");
    match (key.group, key.kind) {
        ("", "Pod") => pod_spec(spec, ns, &mut out),
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet")
        | ("batch", "Job")
        | ("", "ReplicationController") => pod_spec(template_spec(spec), ns, &mut out),
        ("apps", "StatefulSet") => {
            pod_spec(template_spec(spec), ns, &mut out);
            statefulset(spec, ns, &mut out);
        }
        ("batch", "CronJob") => {
            let job = spec
                .and_then(|s| s.get("jobTemplate"))
                .and_then(|j| j.get("spec"));
            pod_spec(template_spec(job), ns, &mut out);
        }
        ("", "PersistentVolumeClaim" | "PersistentVolume") => {
            push_named(
                &mut out,
                "storage.k8s.io",
                "StorageClass",
                None,
                str_at(spec, &["storageClassName"]),
            );
        }
        (RBAC, "RoleBinding" | "ClusterRoleBinding") => binding(root, ns, &mut out),
        ("networking.k8s.io", "Ingress") => ingress(spec, ns, &mut out),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            if let Some(target) = spec.and_then(|s| s.get("scaleTargetRef")) {
                let group = str_at(Some(target), &["apiVersion"])
                    .map(|v| v.rsplit_once('/').map_or("", |(g, _)| g))
                    .unwrap_or("apps");
                if let Some(kind) = str_at(Some(target), &["kind"]) {
                    push_named(&mut out, group, kind, ns, str_at(Some(target), &["name"]));
                }
            }
        }
        ("apiregistration.k8s.io", "APIService") => {
            service_ref(spec.and_then(|s| s.get("service")), &mut out);
        }
        (
            "admissionregistration.k8s.io",
            "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration",
        ) => {
            for hook in array(root.get("webhooks")) {
                service_ref(
                    hook.get("clientConfig").and_then(|c| c.get("service")),
                    &mut out,
                );
            }
        }
        _ => {}
    }
    out
}

fn template_spec(spec: Option<&Value>) -> Option<&Value> {
    spec?.get("template")?.get("spec")
}

fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn str_at<'v>(v: Option<&'v Value>, path: &[&str]) -> Option<&'v str> {
    let mut cur = v?;
    for segment in path {
        cur = cur.get(segment)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

fn push_named<'a>(
    out: &mut Vec<Key<'a>>,
    group: &'a str,
    kind: &'a str,
    ns: Option<&'a str>,
    name: Option<&'a str>,
) {
    if let Some(name) = name {
        out.push(Key::new(group, kind, ns, name));
    }
}

fn pod_spec<'a>(spec: Option<&'a Value>, ns: Option<&'a str>, out: &mut Vec<Key<'a>>) {
    let Some(spec) = spec else { return };
    let sa =
        str_at(Some(spec), &["serviceAccountName"]).or(str_at(Some(spec), &["serviceAccount"]));
    push_named(out, "", "ServiceAccount", ns, sa);
    push_named(
        out,
        "scheduling.k8s.io",
        "PriorityClass",
        None,
        str_at(Some(spec), &["priorityClassName"]),
    );
    push_named(
        out,
        "node.k8s.io",
        "RuntimeClass",
        None,
        str_at(Some(spec), &["runtimeClassName"]),
    );
    for secret in array(spec.get("imagePullSecrets")) {
        push_named(out, "", "Secret", ns, str_at(Some(secret), &["name"]));
    }
    for volume in array(spec.get("volumes")) {
        let v = Some(volume);
        push_named(out, "", "ConfigMap", ns, str_at(v, &["configMap", "name"]));
        push_named(out, "", "Secret", ns, str_at(v, &["secret", "secretName"]));
        push_named(
            out,
            "",
            "PersistentVolumeClaim",
            ns,
            str_at(v, &["persistentVolumeClaim", "claimName"]),
        );
        for source in array(volume.get("projected").and_then(|p| p.get("sources"))) {
            push_named(
                out,
                "",
                "ConfigMap",
                ns,
                str_at(Some(source), &["configMap", "name"]),
            );
            push_named(
                out,
                "",
                "Secret",
                ns,
                str_at(Some(source), &["secret", "name"]),
            );
        }
    }
    let containers = array(spec.get("containers"))
        .iter()
        .chain(array(spec.get("initContainers")))
        .chain(array(spec.get("ephemeralContainers")));
    for container in containers {
        for env in array(container.get("env")) {
            let from = env.get("valueFrom");
            push_named(
                out,
                "",
                "ConfigMap",
                ns,
                str_at(from, &["configMapKeyRef", "name"]),
            );
            push_named(
                out,
                "",
                "Secret",
                ns,
                str_at(from, &["secretKeyRef", "name"]),
            );
        }
        for env in array(container.get("envFrom")) {
            push_named(
                out,
                "",
                "ConfigMap",
                ns,
                str_at(Some(env), &["configMapRef", "name"]),
            );
            push_named(
                out,
                "",
                "Secret",
                ns,
                str_at(Some(env), &["secretRef", "name"]),
            );
        }
    }
}

fn statefulset<'a>(spec: Option<&'a Value>, ns: Option<&'a str>, out: &mut Vec<Key<'a>>) {
    push_named(out, "", "Service", ns, str_at(spec, &["serviceName"]));
    for template in array(spec.and_then(|s| s.get("volumeClaimTemplates"))) {
        let class = str_at(Some(template), &["spec", "storageClassName"]);
        push_named(out, "storage.k8s.io", "StorageClass", None, class);
    }
}

fn binding<'a>(root: &'a Map<String, Value>, ns: Option<&'a str>, out: &mut Vec<Key<'a>>) {
    let role_ref = root.get("roleRef");
    match str_at(role_ref, &["kind"]) {
        Some("Role") => push_named(out, RBAC, "Role", ns, str_at(role_ref, &["name"])),
        Some("ClusterRole") => {
            push_named(out, RBAC, "ClusterRole", None, str_at(role_ref, &["name"]))
        }
        _ => {}
    }
    for subject in array(root.get("subjects")) {
        if str_at(Some(subject), &["kind"]) == Some("ServiceAccount") {
            let sns = str_at(Some(subject), &["namespace"]).or(ns);
            push_named(
                out,
                "",
                "ServiceAccount",
                sns,
                str_at(Some(subject), &["name"]),
            );
        }
    }
}

fn ingress<'a>(spec: Option<&'a Value>, ns: Option<&'a str>, out: &mut Vec<Key<'a>>) {
    push_named(
        out,
        "networking.k8s.io",
        "IngressClass",
        None,
        str_at(spec, &["ingressClassName"]),
    );
    let mut backend = |b: Option<&'a Value>| {
        push_named(
            out,
            "",
            "Service",
            ns,
            str_at(b, &["service", "name"]).or(str_at(b, &["serviceName"])),
        );
    };
    backend(spec.and_then(|s| s.get("defaultBackend").or(s.get("backend"))));
    for rule in array(spec.and_then(|s| s.get("rules"))) {
        for path in array(rule.get("http").and_then(|h| h.get("paths"))) {
            backend(path.get("backend"));
        }
    }
}

fn service_ref<'a>(service: Option<&'a Value>, out: &mut Vec<Key<'a>>) {
    let ns = str_at(service, &["namespace"]);
    if ns.is_some() {
        push_named(out, "", "Service", ns, str_at(service, &["name"]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_refs() {
        let obj = Object::from_yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: p}\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n      containers:\n      - name: c\n        envFrom: [{secretRef: {name: s}}]\n        env: [{name: X, valueFrom: {configMapKeyRef: {name: cm, key: k}}}]\n      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
        )
        .unwrap();
        let key = Key::new("apps", "Deployment", Some("p"), "w");
        let refs: Vec<String> = references(&obj, &key, &HashMap::new())
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(
            refs,
            vec![
                "Namespace/p",
                "ServiceAccount/p/sa",
                "PersistentVolumeClaim/p/data",
                "ConfigMap/p/cm",
                "Secret/p/s"
            ]
        );
    }
}
