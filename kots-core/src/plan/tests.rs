//! End-to-end tests of `plan`: one per behaviour the issue lists.

use super::*;
use crate::manifest::{parse_manifests, Object};

fn objs(yaml: &str) -> Vec<Object> {
    parse_manifests(yaml).unwrap()
}

fn input(previous: &str, new: &str) -> PlanInput {
    PlanInput {
        previous: objs(previous),
        new: objs(new),
        ..Default::default()
    }
}

fn run(previous: &str, new: &str) -> Plan {
    plan(&input(previous, new), &Policy::default()).unwrap()
}

fn op<'p>(plan: &'p Plan, kind: &str, name: &str) -> &'p Operation {
    plan.operations
        .iter()
        .find(|o| o.id.kind == kind && o.id.name == name)
        .unwrap_or_else(|| panic!("no operation for {kind}/{name}"))
}

const CM_A: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n";

#[test]
fn same_release_is_all_noops() {
    let p = run(CM_A, CM_A);
    assert_eq!(p.summary.noop, 1);
    assert!(p.order.steps.is_empty());
    assert!(p.kots.delete_set.is_empty());
}

#[test]
fn create_update_delete() {
    let prev = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    let new = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    let p = run(prev, new);
    assert_eq!(op(&p, "ConfigMap", "a").op, OpKind::Update);
    assert_eq!(op(&p, "ConfigMap", "b").op, OpKind::Create);
    let old = op(&p, "ConfigMap", "old");
    assert_eq!(
        (old.op, old.severity, old.refused),
        (OpKind::Delete, Severity::Benign, false)
    );
    assert_eq!(op(&p, "ConfigMap", "x").op, OpKind::Noop);
    let keys: Vec<_> = p.operations.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "ConfigMap/default/a",
            "ConfigMap/default/b",
            "ConfigMap/default/old",
            "ConfigMap/default/x"
        ]
    );
}

#[test]
fn api_group_moves_are_updates() {
    let cases = [
        ("extensions/v1beta1", "Deployment", "apps/v1"),
        ("extensions/v1beta1", "Ingress", "networking.k8s.io/v1"),
        (
            "extensions/v1beta1",
            "NetworkPolicy",
            "networking.k8s.io/v1",
        ),
        ("extensions/v1beta1", "PodSecurityPolicy", "policy/v1beta1"),
        ("batch/v1beta1", "CronJob", "batch/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", "policy/v1"),
        (
            "autoscaling/v2beta2",
            "HorizontalPodAutoscaler",
            "autoscaling/v2",
        ),
    ];
    for (from, kind, to) in cases {
        let p = run(
            &format!("apiVersion: {from}\nkind: {kind}\nmetadata: {{name: o, namespace: n}}\n"),
            &format!("apiVersion: {to}\nkind: {kind}\nmetadata: {{name: o, namespace: n}}\n"),
        );
        assert_eq!(p.operations.len(), 1, "{kind}");
        let o = &p.operations[0];
        assert_eq!(o.op, OpKind::Update, "{kind}");
        assert_eq!(o.changes[0].path, "/apiVersion");
        assert_eq!(
            o.previous_id.as_ref().unwrap().version,
            from.rsplit('/').next().unwrap()
        );
    }
}

#[test]
fn namespace_defaulting_matches_explicit_namespace() {
    let p = plan(
        &input(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: app}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: ignored}\n",
        ),
        &Policy { namespace: "app".into(), ..Policy::default() },
    )
    .unwrap();
    assert_eq!(p.summary.noop, 2, "{:#?}", p.operations);
    assert_eq!(op(&p, "ClusterRole", "r").id.namespace, None);
}

#[test]
fn crd_scope_decides_custom_kind_namespacing() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.x.io}\nspec: {group: x.io, scope: Cluster, names: {kind: W, plural: ws}}\n";
    let p = run(
        &format!("{crd}---\napiVersion: x.io/v1\nkind: W\nmetadata: {{name: w}}\n"),
        &format!("{crd}---\napiVersion: x.io/v1\nkind: W\nmetadata: {{name: w}}\n"),
    );
    assert_eq!(op(&p, "W", "w").id.namespace, None);
}

#[test]
fn live_uid_ties_a_renamed_group_to_one_object() {
    let prev = "apiVersion: old.x.io/v1\nkind: Widget\nmetadata: {name: w, namespace: n}\n";
    let new = "apiVersion: new.x.io/v1\nkind: Widget\nmetadata: {name: w, namespace: n}\n";
    let live = "apiVersion: old.x.io/v1\nkind: Widget\nmetadata: {name: w, namespace: n, uid: u-1}\n---\napiVersion: new.x.io/v1\nkind: Widget\nmetadata: {name: w, namespace: n, uid: u-1}\n";
    let mut inp = input(prev, new);
    assert_eq!(plan(&inp, &Policy::default()).unwrap().summary.create, 1);
    inp.live = Some(objs(live));
    let p = plan(&inp, &Policy::default()).unwrap();
    assert_eq!(p.operations.len(), 1, "{:#?}", p.operations);
    assert_eq!(p.operations[0].op, OpKind::Update);
    assert_eq!(p.operations[0].live_uid.as_deref(), Some("u-1"));
    assert_eq!(
        p.operations[0].previous_id.as_ref().unwrap().group,
        "old.x.io"
    );
}

#[test]
fn immutable_changes_replace() {
    let sts = |svc: &str| {
        format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  serviceName: {svc}\n  replicas: 2\n  volumeClaimTemplates: [{{metadata: {{name: data}}}}]\n")
    };
    let p = run(&sts("a"), &sts("b"));
    let o = op(&p, "StatefulSet", "db");
    assert_eq!(o.op, OpKind::Replace);
    assert_eq!(o.immutable_fields, vec!["/spec/serviceName"]);
    // Same claims, retained: the replacement binds them again.
    assert_eq!(o.severity, Severity::Availability);
    assert!(!o.refused);
}

#[test]
fn statefulset_delete_lists_every_replica_claim() {
    let prev = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: n}\nspec:\n  replicas: 3\n  ordinals: {start: 1}\n  volumeClaimTemplates: [{metadata: {name: data}}, {metadata: {name: logs}}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: n}\n";
    let p = run(
        prev,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: n}\n",
    );
    let o = op(&p, "StatefulSet", "db");
    assert_eq!(
        (o.op, o.severity, o.refused),
        (OpKind::Delete, Severity::Data, true)
    );
    let names: Vec<_> = o
        .data_loss
        .as_ref()
        .unwrap()
        .pvcs
        .iter()
        .map(|p| (p.name.as_str(), p.fate))
        .collect();
    assert_eq!(
        names,
        vec![
            ("data-db-1", PvcFate::LeftBehind),
            ("data-db-2", PvcFate::LeftBehind),
            ("data-db-3", PvcFate::LeftBehind),
            ("logs-db-1", PvcFate::LeftBehind),
            ("logs-db-2", PvcFate::LeftBehind),
            ("logs-db-3", PvcFate::LeftBehind),
        ]
    );
    assert!(o.refused_because[0].contains("allowDataLoss"));
}

#[test]
fn statefulset_replicas_come_from_live_and_scale_down_with_delete_policy_loses_data() {
    let sts = |r: u32| {
        format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  replicas: {r}\n  persistentVolumeClaimRetentionPolicy: {{whenScaled: Delete}}\n  volumeClaimTemplates: [{{metadata: {{name: d}}}}]\n")
    };
    let mut inp = input(&sts(3), &sts(1));
    let p = plan(&inp, &Policy::default()).unwrap();
    let o = op(&p, "StatefulSet", "db");
    assert_eq!(
        (o.op, o.severity, o.refused),
        (OpKind::Update, Severity::Data, true)
    );
    let names: Vec<_> = o
        .data_loss
        .as_ref()
        .unwrap()
        .pvcs
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["d-db-1", "d-db-2"]);
    inp.live = Some(objs(&sts(5)));
    let p = plan(&inp, &Policy::default()).unwrap();
    assert_eq!(
        op(&p, "StatefulSet", "db")
            .data_loss
            .as_ref()
            .unwrap()
            .pvcs
            .len(),
        4
    );
}

#[test]
fn namespace_delete_lists_contents_and_warns() {
    let prev = "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: team}\n";
    let new = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: team}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: team}\n";
    let p = run(prev, new);
    let o = op(&p, "Namespace", "team");
    assert_eq!(
        (o.op, o.severity, o.refused),
        (OpKind::Delete, Severity::Data, true)
    );
    let contents: Vec<_> = o
        .data_loss
        .as_ref()
        .unwrap()
        .namespace_contents
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(contents, vec!["a", "s"]);
    assert!(p.warnings[0].contains("Namespace team is deleted"));
}

#[test]
fn crd_delete_lists_custom_resources_and_kots_comparison() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.x.io}\nspec: {group: x.io, scope: Namespaced, names: {kind: W, plural: ws}}\n";
    let p = plan(
        &PlanInput {
            live: Some(objs("apiVersion: x.io/v1\nkind: W\nmetadata: {name: live-one, namespace: default, uid: u}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.x.io}\n")),
            ..input(&format!("{crd}---\napiVersion: x.io/v1\nkind: W\nmetadata: {{name: w1}}\n"), CM_A)
        },
        &Policy { allow_data_loss: true, allow_mass_deletion: true, ..Policy::default() },
    )
    .unwrap();
    let o = op(&p, "CustomResourceDefinition", "ws.x.io");
    assert_eq!(
        (o.op, o.severity, o.refused),
        (OpKind::Delete, Severity::Data, false)
    );
    let crs: Vec<_> = o
        .data_loss
        .as_ref()
        .unwrap()
        .custom_resources
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(crs, vec!["live-one", "w1"]);
    // w1 is absent from the live snapshot: nothing to delete.
    assert_eq!(op(&p, "W", "w1").reason_code, ReasonCode::AlreadyAbsent);
}

#[test]
fn keep_markers_orphan_and_name_the_marker() {
    let prev = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d, annotations: {helm.sh/resource-policy: keep}}\n---\n".to_string() + CM_A;
    let p = run(&prev, CM_A);
    let o = op(&p, "PersistentVolumeClaim", "d");
    assert_eq!(
        (o.op, o.reason_code, o.refused),
        (OpKind::Orphan, ReasonCode::KeepMarker, false)
    );
    assert!(
        o.reason.contains("helm.sh/resource-policy=keep"),
        "{}",
        o.reason
    );
    assert!(
        p.kots.delete_set.iter().any(|d| d.name == "d"),
        "KOTS ignores Helm's marker"
    );
}

#[test]
fn additional_and_system_namespaces_are_orphaned() {
    let prev = "apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n---\n".to_string() + CM_A;
    let policy = Policy {
        additional_namespaces: vec!["extra".into()],
        ..Policy::default()
    };
    let p = plan(&input(&prev, CM_A), &policy).unwrap();
    assert_eq!(
        op(&p, "Namespace", "extra").reason_code,
        ReasonCode::AdditionalNamespace
    );
    assert_eq!(
        op(&p, "Namespace", "kube-system").reason_code,
        ReasonCode::SystemNamespace
    );
    assert!(!p.has_refused());
}

#[test]
fn data_loss_is_allowed_by_policy() {
    let prev = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\n---\n"
        .to_string()
        + CM_A;
    let p = plan(
        &input(&prev, CM_A),
        &Policy {
            allow_data_loss: true,
            ..Policy::default()
        },
    )
    .unwrap();
    let o = op(&p, "PersistentVolumeClaim", "d");
    assert_eq!((o.severity, o.refused), (Severity::Data, false));
    assert_eq!(o.data_loss.as_ref().unwrap().pvcs[0].fate, PvcFate::Deleted);
}

#[test]
fn mass_deletion_guard() {
    let prev = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    // Everything goes: guarded by default.
    let p = run(prev, "");
    assert!(p.mass_deletion.tripped && p.summary.refused == 3);
    let allowed = plan(
        &input(prev, ""),
        &Policy {
            allow_mass_deletion: true,
            ..Policy::default()
        },
    )
    .unwrap();
    assert!(!allowed.has_refused());
    // A share: 2 of 3 is over 50%.
    let new = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    let share = Policy {
        max_delete_share: Some(0.5),
        ..Policy::default()
    };
    let p = plan(&input(prev, new), &share).unwrap();
    assert!(p.mass_deletion.tripped);
    assert!(op(&p, "ConfigMap", "b").refused_because[0].contains("2 of 3"));
    assert!(!run(prev, new).mass_deletion.tripped);
    let bad = Policy {
        max_delete_share: Some(1.5),
        ..Policy::default()
    };
    assert!(matches!(
        plan(&input(prev, new), &bad),
        Err(PlanError::InvalidPolicy { .. })
    ));
}

#[test]
fn failed_attempts_are_part_of_the_baseline() {
    let mut inp = input(CM_A, CM_A);
    inp.failed_attempts = vec![objs(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\n",
    )];
    let p = plan(&inp, &Policy::default()).unwrap();
    let o = op(&p, "ConfigMap", "leaked");
    assert_eq!(o.op, OpKind::Delete);
    assert_eq!(o.previous_source.as_deref(), Some("failedAttempt[0]"));
    assert!(o.reason.contains("failed attempt 0"));
    // KOTS only knows the last deployed release.
    assert!(p.kots.delete_set.is_empty());
}

#[test]
fn input_errors_name_the_document() {
    let err = plan(
        &input(
            "",
            "apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n",
        ),
        &Policy::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        PlanError::MissingName {
            set: "new".into(),
            document: 0,
            kind: "Pod".into()
        }
    );
    let twice = format!("{CM_A}---\n{CM_A}");
    let err = plan(&input("", &twice), &Policy::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "new: documents 0 and 1 are the same object ConfigMap/default/a"
    );
}

const ORDERED: &str = concat!(
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: app}\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n      containers: [{name: c, envFrom: [{configMapRef: {name: cfg}}]}]\n---\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: app}\n---\n",
    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: app}\n---\n",
    "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: hook}\n---\n",
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}\n---\n",
    "apiVersion: x.io/v1\nkind: Widget\nmetadata: {name: w, namespace: app, annotations: {kots.io/creation-phase: '-1'}}\n",
);

fn steps(p: &Plan) -> Vec<(StepAction, i64, Vec<&str>)> {
    p.order
        .steps
        .iter()
        .map(|s| {
            (
                s.action,
                s.index,
                s.operations.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn dag_order_levels_and_reverse_deletes() {
    let p = run("", ORDERED);
    assert_eq!(
        steps(&p),
        vec![
            (StepAction::Apply, 0, vec!["Namespace/app"]),
            (
                StepAction::Apply,
                1,
                vec![
                    "ServiceAccount/app/sa",
                    "ConfigMap/app/cfg",
                    "Widget.x.io/app/w"
                ]
            ),
            (StepAction::Apply, 2, vec!["Deployment.apps/app/web"]),
            (
                StepAction::Apply,
                3,
                vec!["ValidatingWebhookConfiguration.admissionregistration.k8s.io/hook"]
            ),
        ]
    );
    assert!(p.order.steps.iter().all(|s| s.parallel));
    let p = plan(
        &input(ORDERED, ""),
        &Policy {
            allow_data_loss: true,
            allow_mass_deletion: true,
            ..Policy::default()
        },
    )
    .unwrap();
    assert_eq!(
        steps(&p),
        vec![
            (
                StepAction::Delete,
                0,
                vec!["ValidatingWebhookConfiguration.admissionregistration.k8s.io/hook"]
            ),
            // Unknown kinds first within a level, as KOTS deletes them.
            (
                StepAction::Delete,
                1,
                vec!["Widget.x.io/app/w", "Deployment.apps/app/web"]
            ),
            (
                StepAction::Delete,
                2,
                vec!["ConfigMap/app/cfg", "ServiceAccount/app/sa"]
            ),
            (StepAction::Delete, 3, vec!["Namespace/app"]),
        ]
    );
}

#[test]
fn kots_order_phases_and_kind_lists() {
    let policy = Policy {
        order: OrderMode::Kots,
        allow_data_loss: true,
        allow_mass_deletion: true,
        ..Policy::default()
    };
    let p = plan(&input("", ORDERED), &policy).unwrap();
    assert_eq!(
        steps(&p),
        vec![
            (StepAction::Apply, -1, vec!["Widget.x.io/app/w"]),
            (
                StepAction::Apply,
                0,
                vec![
                    "Namespace/app",
                    "ServiceAccount/app/sa",
                    "ConfigMap/app/cfg",
                    "Deployment.apps/app/web",
                    "ValidatingWebhookConfiguration.admissionregistration.k8s.io/hook"
                ]
            ),
        ]
    );
    let p = plan(&input(ORDERED, ""), &policy).unwrap();
    assert_eq!(
        steps(&p),
        vec![(
            StepAction::Delete,
            0,
            vec![
                "ValidatingWebhookConfiguration.admissionregistration.k8s.io/hook",
                "Widget.x.io/app/w",
                "Deployment.apps/app/web",
                "ConfigMap/app/cfg",
                "ServiceAccount/app/sa",
                "Namespace/app"
            ]
        )]
    );
    let kots: Vec<_> = p.kots.delete_set.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kots,
        vec![
            "ValidatingWebhookConfiguration",
            "Widget",
            "Deployment",
            "ConfigMap",
            "ServiceAccount",
            "Namespace"
        ]
    );
}

#[test]
fn dependency_cycles_are_broken_with_a_warning() {
    // Nonsense on purpose: two autoscalers targeting each other.
    let hpa = |name: &str, target: &str| {
        format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\nspec: {{scaleTargetRef: {{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: {target}}}}}\n")
    };
    let p = run("", &format!("{}---\n{}", hpa("a", "b"), hpa("b", "a")));
    assert_eq!(
        steps(&p),
        vec![
            (
                StepAction::Apply,
                0,
                vec!["HorizontalPodAutoscaler.autoscaling/default/a"]
            ),
            (
                StepAction::Apply,
                1,
                vec!["HorizontalPodAutoscaler.autoscaling/default/b"]
            ),
        ]
    );
    assert_eq!(p.warnings, vec!["dependency cycle through HorizontalPodAutoscaler.autoscaling/default/a: ordered by kind there"]);
}

#[test]
fn secrets_never_appear_in_any_output() {
    let prev = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{\"stringData\":{\"pw\":\"OLDPLAIN\"}}'}\ndata: {pw: T0xEQkFTRTY0, same: U0FNRVZBTFVF}\n";
    let new = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: NEWPLAIN, added: ADDEDPLAIN, same: SAMEVALUE}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: t}\ndata: {x: Q1JFQVRFRA==}\n";
    let inp = input(prev, new);
    let p = plan(&inp, &Policy::default()).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let text = render_human(&p, &inp);
    for secret in [
        "OLDPLAIN",
        "T0xEQkFTRTY0",
        "OLDBASE64",
        "NEWPLAIN",
        "ADDEDPLAIN",
        "SAMEVALUE",
        "U0FNRVZBTFVF",
        "Q1JFQVRFRA",
        "CREATED",
    ] {
        assert!(!json.contains(secret), "{secret} in JSON");
        assert!(!text.contains(secret), "{secret} in text:\n{text}");
    }
    let changes: Vec<_> = op(&p, "Secret", "s")
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.change, c.redacted))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("/data/pw", ChangeKind::Changed, true),
            ("/data/added", ChangeKind::Added, true)
        ]
    );
    assert!(
        text.contains("*** (before)") && text.contains("*** (after)"),
        "{text}"
    );
}

#[test]
fn human_output_has_table_and_unified_diff() {
    let inp = input(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n",
    );
    let p = plan(&inp, &Policy::default()).unwrap();
    let text = render_human(&p, &inp);
    assert!(text.starts_with("OP      SEVERITY  REFUSED  KIND       NAMESPACE  NAME  REASON\nupdate  benign             ConfigMap  default    a     1 field(s) changed\n"), "{text}");
    assert!(
        text.contains("--- a/ConfigMap/default/a\n+++ b/ConfigMap/default/a\n"),
        "{text}"
    );
    assert!(text.contains("-  k: v\n+  k: w\n"), "{text}");
}

#[test]
fn kots_diff_summary_when_files_are_given() {
    let mut inp = input(CM_A, CM_A);
    inp.previous_files = Some([("a.yaml".to_string(), b"a\nb\n".to_vec())].into());
    inp.new_files = Some(
        [
            ("a.yaml".to_string(), b"a\nc\n".to_vec()),
            ("b.yaml".into(), b"x\n".to_vec()),
        ]
        .into(),
    );
    let p = plan(&inp, &Policy::default()).unwrap();
    assert_eq!(
        p.kots.diff_summary,
        Some(DiffSummary {
            files_changed: 2,
            lines_added: 2,
            lines_removed: 1
        })
    );
}

#[test]
fn plans_are_deterministic() {
    let a = serde_json::to_string(&run(ORDERED, CM_A)).unwrap();
    for _ in 0..5 {
        assert_eq!(serde_json::to_string(&run(ORDERED, CM_A)).unwrap(), a);
    }
}

#[test]
fn plan_round_trips_through_json() {
    let p = run(ORDERED, CM_A);
    let back: Plan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}

/// The published schema is generated from the types; regenerate with
/// `KOTS_UPDATE_SCHEMA=1 cargo test -p kots-core published_schema`.
#[test]
fn published_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/plan.schema.json");
    let generated = serde_json::to_string_pretty(&plan_schema()).unwrap() + "\n";
    if std::env::var_os("KOTS_UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/schema")).unwrap();
        std::fs::write(path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        published == generated,
        "schema/plan.schema.json is stale: run with KOTS_UPDATE_SCHEMA=1"
    );
}

#[test]
fn absence_from_a_partial_live_snapshot_is_not_proof_of_deletion() {
    let prev = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: unread}\n---\n".to_string() + CM_A;
    let mut inp = input(&prev, CM_A);
    inp.live = Some(objs(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, uid: u}\n",
    ));
    let p = plan(&inp, &Policy::default()).unwrap();
    assert_eq!(op(&p, "ConfigMap", "gone").op, OpKind::Noop);
    assert_eq!(op(&p, "Secret", "unread").op, OpKind::Delete);
    assert_eq!(op(&p, "ConfigMap", "a").live_uid.as_deref(), Some("u"));
}
