//! Human output: a table of operations and a unified diff per object.
//!
//! Secret values never appear: both sides of a Secret are rendered with every `data` and
//! `stringData` value replaced by `***` (unchanged), `*** (before)` / `*** (after)` (changed),
//! as kubectl's diff masker does, and last-applied annotations (which copy the values) are dropped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::identity::{index_set, previous_inventory, Key, Scopes};
use super::input::PlanInput;
use super::model::{OpKind, Plan, PvcFate, Severity};
use super::semantic::{secret_bytes, SERVER_ANNOTATIONS, SERVER_METADATA};
use crate::manifest::{self, Object};

/// Renders `plan` (made from `input`) for a terminal: a table of the operations (noops counted,
/// not listed), the summary, guard and warnings, then a unified diff for every object that
/// changes.
///
/// ```
/// use kots_core::manifest::parse_manifests;
/// use kots_core::plan::{plan, render_human, PlanInput, Policy};
///
/// let input = PlanInput {
///     previous: parse_manifests("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: old-secret}\n").unwrap(),
///     new: parse_manifests("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: new-secret}\n").unwrap(),
///     ..Default::default()
/// };
/// let plan = plan(&input, &Policy::default()).unwrap();
/// let text = render_human(&plan, &input);
/// assert!(text.contains("update") && text.contains("*** (after)"));
/// assert!(!text.contains("old-secret") && !text.contains("new-secret"));
/// ```
pub fn render_human(plan: &Plan, input: &PlanInput) -> String {
    let mut out = String::new();
    table(plan, &mut out);
    let s = &plan.summary;
    let _ = writeln!(
        out,
        "\n{} create, {} update, {} replace, {} delete, {} orphan, {} unchanged; {} refused",
        s.create, s.update, s.replace, s.delete, s.orphan, s.noop, s.refused
    );
    if plan.mass_deletion.tripped {
        let _ = writeln!(
            out,
            "mass-deletion guard: {} of {} previous objects would be deleted",
            plan.mass_deletion.deletes, plan.mass_deletion.previous_objects
        );
    }
    for op in plan.operations.iter().filter(|o| o.refused) {
        for why in &op.refused_because {
            let _ = writeln!(out, "refused: {why}");
        }
    }
    data_loss(plan, &mut out);
    kots_view(plan, &mut out);
    for w in &plan.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    diffs(plan, input, &mut out);
    out
}

/// What each data-rated (or data-bearing) operation destroys or leaves behind.
fn data_loss(plan: &Plan, out: &mut String) {
    for op in &plan.operations {
        let Some(loss) = &op.data_loss else { continue };
        let _ = writeln!(out, "data: {} {}:", op_label(op.op), op.key);
        for pvc in &loss.pvcs {
            let fate = match pvc.fate {
                PvcFate::Deleted => "deleted",
                PvcFate::LeftBehind => "left behind",
            };
            let _ = writeln!(
                out,
                "  PersistentVolumeClaim {}/{} ({fate})",
                pvc.namespace, pvc.name
            );
        }
        for pv in &loss.persistent_volumes {
            let _ = writeln!(out, "  PersistentVolume {pv} (deleted)");
        }
        for (what, list) in [
            ("still in the namespace", &loss.namespace_contents),
            ("custom resource", &loss.custom_resources),
        ] {
            for r in list {
                let ns = r
                    .namespace
                    .as_deref()
                    .map(|n| format!("{n}/"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {} {ns}{} ({what})", r.kind, r.name);
            }
        }
    }
}

/// KOTS's own diff summary and delete set, for comparison.
fn kots_view(plan: &Plan, out: &mut String) {
    if let Some(d) = &plan.kots.diff_summary {
        let _ = writeln!(
            out,
            "KOTS version diff: {} files changed, +{} -{}",
            d.files_changed, d.lines_added, d.lines_removed
        );
    }
    let names: Vec<&str> = plan
        .kots
        .delete_set
        .iter()
        .map(|d| d.kots_key.as_str())
        .collect();
    if !names.is_empty() {
        let _ = writeln!(out, "KOTS would delete: {}", names.join(", "));
    }
}

fn op_label(op: OpKind) -> &'static str {
    match op {
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Replace => "replace",
        OpKind::Delete => "delete",
        OpKind::Orphan => "orphan",
        OpKind::Noop => "noop",
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Benign => "benign",
        Severity::Availability => "availability",
        Severity::Data => "data",
    }
}

fn table(plan: &Plan, out: &mut String) {
    let header = [
        "OP",
        "SEVERITY",
        "REFUSED",
        "KIND",
        "NAMESPACE",
        "NAME",
        "REASON",
    ];
    let rows: Vec<[String; 7]> = plan
        .operations
        .iter()
        .filter(|o| o.op != OpKind::Noop)
        .map(|o| {
            [
                op_label(o.op).to_string(),
                severity_label(o.severity).to_string(),
                if o.refused { "yes" } else { "" }.to_string(),
                o.id.kind.clone(),
                o.id.namespace.clone().unwrap_or_default(),
                o.id.name.clone(),
                o.reason.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                let _ = write!(s, "{cell:<w$}  ", w = widths[i]);
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&header));
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
}

fn diffs(plan: &Plan, input: &PlanInput, out: &mut String) {
    let every = input
        .previous
        .iter()
        .chain(input.failed_attempts.iter().flatten())
        .chain(&input.new)
        .chain(input.live.iter().flatten());
    let scopes = Scopes::from_objects(every);
    let ns = plan.namespace.as_str();
    let (Ok(previous), Ok(new)) = (
        previous_inventory(&input.previous, &input.failed_attempts, &scopes, ns),
        index_set(&input.new, &scopes, ns, "new", None),
    ) else {
        return;
    };
    let previous: HashMap<String, &Object> = previous
        .iter()
        .map(|(k, e)| (k.to_string(), e.obj))
        .collect();
    let new: HashMap<String, &Object> = new
        .iter()
        .map(|(k, e): (&Key, _)| (k.to_string(), e.obj))
        .collect();
    for op in &plan.operations {
        let (old, new) = match op.op {
            OpKind::Create => (None, new.get(&op.key).copied()),
            OpKind::Update | OpKind::Replace => {
                let old_key = op.previous_id.as_ref().map_or(op.key.clone(), |id| {
                    Key::new(&id.group, &id.kind, id.namespace.as_deref(), &id.name).to_string()
                });
                (previous.get(&old_key).copied(), new.get(&op.key).copied())
            }
            OpKind::Delete => (previous.get(&op.key).copied(), None),
            OpKind::Orphan | OpKind::Noop => continue,
        };
        let (a, b) = display_pair(old, new);
        let diff = similar::TextDiff::from_lines(&a, &b);
        let _ = write!(
            out,
            "\n{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", op.key), &format!("b/{}", op.key))
        );
    }
}

/// Both sides as YAML for display: server-managed fields dropped, Secret values masked.
fn display_pair(old: Option<&Object>, new: Option<&Object>) -> (String, String) {
    let secret = old
        .or(new)
        .is_some_and(|o| o.kind() == "Secret" && o.group().is_empty());
    let (old_bytes, new_bytes) = if secret {
        (old.map(secret_bytes), new.map(secret_bytes))
    } else {
        (None, None)
    };
    let render = |obj: Option<&Object>,
                  mine: &Option<BTreeMap<String, Vec<u8>>>,
                  theirs: &Option<BTreeMap<String, Vec<u8>>>,
                  side: &str| {
        let Some(obj) = obj else { return String::new() };
        let mut map = display_copy(obj);
        if let Some(mine) = mine {
            map.remove("stringData");
            let masked: Map<String, Value> = mine
                .iter()
                .map(|(k, v)| {
                    let same = theirs
                        .as_ref()
                        .is_none_or(|t| t.get(k).is_none_or(|o| o == v));
                    let mask = if same {
                        "***".to_string()
                    } else {
                        format!("*** ({side})")
                    };
                    (k.clone(), Value::String(mask))
                })
                .collect();
            if masked.is_empty() {
                map.remove("data");
            } else {
                map.insert("data".to_string(), Value::Object(masked));
            }
        }
        manifest::to_yaml(&map).unwrap_or_default()
    };
    (
        render(old, &old_bytes, &new_bytes, "before"),
        render(new, &new_bytes, &old_bytes, "after"),
    )
}

fn display_copy(obj: &Object) -> Map<String, Value> {
    let mut map = obj.as_map().clone();
    map.remove("status");
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        meta.retain(|k, _| k == "namespace" || !SERVER_METADATA.contains(&k.as_str()));
        if let Some(Value::Object(annotations)) = meta.get_mut("annotations") {
            annotations.retain(|k, _| !SERVER_ANNOTATIONS.contains(&k.as_str()));
        }
    }
    map
}
