//! Keep markers: every tool's way of saying "never delete this object", read from the live object
//! (when a snapshot is given) and from the previous manifest, so a marker added with
//! `kubectl annotate` protects as well as one in the release (unlike Helm's uninstall,
//! helm/community#169).

use serde_json::{Map, Value};

use super::model::KeepMarker;
use crate::manifest::Object;

/// The first keep marker on the live object, else on the previous manifest.
pub(crate) fn keep_marker(previous: &Object, live: Option<&Object>) -> Option<KeepMarker> {
    let from = |obj: &Object, source: &str| {
        marker_of(obj).map(|marker| KeepMarker {
            marker,
            source: source.to_string(),
        })
    };
    live.and_then(|l| from(l, "live"))
        .or_else(|| from(previous, "previous"))
}

/// The marker as written (`annotation kots.io/keep=true`), if `obj` carries one.
fn marker_of(obj: &Object) -> Option<String> {
    let annotations = obj.annotations();
    let labels = obj.labels();
    let get = |map: Option<&Map<String, Value>>, key: &str| -> Option<String> {
        map?.get(key)?.as_str().map(str::to_string)
    };
    let annotation = |key: &str| get(annotations, key);
    let written = |kind: &str, key: &str, value: &str| format!("{kind} {key}={value}");

    // KOTS (pkg/operator/client/delete.go): exactly "true".
    if annotation("kots.io/keep").as_deref() == Some("true") {
        return Some(written("annotation", "kots.io/keep", "true"));
    }
    // Helm (pkg/kube/resource_policy.go): trimmed, case-insensitive "keep".
    if let Some(v) = annotation("helm.sh/resource-policy") {
        if v.trim().eq_ignore_ascii_case("keep") {
            return Some(written("annotation", "helm.sh/resource-policy", &v));
        }
    }
    if annotation("kapp.k14s.io/delete-strategy").as_deref() == Some("orphan") {
        return Some(written(
            "annotation",
            "kapp.k14s.io/delete-strategy",
            "orphan",
        ));
    }
    if let Some(v) = annotation("argocd.argoproj.io/sync-options") {
        for option in v.split(',').map(str::trim) {
            if option == "Prune=false" || option == "Delete=false" {
                return Some(written(
                    "annotation",
                    "argocd.argoproj.io/sync-options",
                    option,
                ));
            }
        }
    }
    let flux = "kustomize.toolkit.fluxcd.io/prune";
    if get(labels, flux).as_deref() == Some("disabled") {
        return Some(written("label", flux, "disabled"));
    }
    if annotation(flux).as_deref() == Some("disabled") {
        return Some(written("annotation", flux, "disabled"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(meta: &str) -> Object {
        Object::from_yaml(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a, {meta}}}\n"
        ))
        .unwrap()
    }

    #[test]
    fn every_tool_marker_is_recognised() {
        let cases = [
            ("annotations: {kots.io/keep: 'true'}", "annotation kots.io/keep=true"),
            ("annotations: {helm.sh/resource-policy: ' Keep'}", "annotation helm.sh/resource-policy= Keep"),
            ("annotations: {kapp.k14s.io/delete-strategy: orphan}", "annotation kapp.k14s.io/delete-strategy=orphan"),
            ("annotations: {argocd.argoproj.io/sync-options: 'ServerSideApply=true, Prune=false'}", "annotation argocd.argoproj.io/sync-options=Prune=false"),
            ("annotations: {argocd.argoproj.io/sync-options: Delete=false}", "annotation argocd.argoproj.io/sync-options=Delete=false"),
            ("labels: {kustomize.toolkit.fluxcd.io/prune: disabled}", "label kustomize.toolkit.fluxcd.io/prune=disabled"),
        ];
        for (meta, marker) in cases {
            assert_eq!(
                keep_marker(&with(meta), None).unwrap().marker,
                marker,
                "{meta}"
            );
        }
        assert_eq!(
            keep_marker(&with("annotations: {kots.io/keep: 'yes'}"), None),
            None
        );
        assert_eq!(
            keep_marker(
                &with("annotations: {argocd.argoproj.io/sync-options: Prune=confirm}"),
                None
            ),
            None
        );
    }

    #[test]
    fn live_marker_wins_and_is_named() {
        let live = with("annotations: {helm.sh/resource-policy: keep}");
        let k = keep_marker(&with("labels: {}"), Some(&live)).unwrap();
        assert_eq!(k.source, "live");
    }
}
