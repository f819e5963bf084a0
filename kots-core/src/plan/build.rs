//! Assembles a [`Plan`]: matches identities, diffs, decides each operation, rates it, applies the
//! guards, orders, and adds KOTS's own view.

use std::collections::{HashMap, HashSet};

use super::identity::{
    crd_target, index_live, index_set, is_crd, previous_inventory, uid, Entry, Key, Scopes,
};
use super::immutable::immutable_fields;
use super::input::{PlanInput, Policy};
use super::keep::keep_marker;
use super::kots::kots_delete_set;
use super::kots_diff::kots_diff_summary;
use super::model::*;
use super::order::{dag_order, kots_order, Node};
use super::safety::World;
use super::semantic::{diff_objects, CompiledIgnore};
use super::PlanError;
use crate::manifest::Object;

/// Namespaces the cluster owns; never deleted (kapp's rule).
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// An operation with what ordering needs to know about it.
struct Draft<'a> {
    op: Operation,
    key: Key<'a>,
    /// The object to order by: new for applies, previous for deletes.
    obj: &'a Object,
    position: (usize, usize),
}

pub(crate) fn build(input: &PlanInput, policy: &Policy) -> Result<Plan, PlanError> {
    validate(policy)?;
    let ignores = CompiledIgnore::compile(&policy.ignore_paths)?;
    let ns = policy.namespace.as_str();
    let every = input
        .previous
        .iter()
        .chain(input.failed_attempts.iter().flatten())
        .chain(&input.new)
        .chain(input.live.iter().flatten());
    let scopes = Scopes::from_objects(every);
    let previous = previous_inventory(&input.previous, &input.failed_attempts, &scopes, ns)?;
    let new = index_set(&input.new, &scopes, ns, "new", None)?;
    let live = input
        .live
        .as_deref()
        .map(|l| index_live(l, &scopes, ns))
        .unwrap_or_default();
    let uid_moves = uid_matches(&previous, &new, &live);
    let world = World::new(&previous, &new, &live, policy);
    let planner = Planner {
        world: &world,
        ignores: &ignores,
        live_coverage: live.keys().map(coverage).collect(),
    };

    let mut drafts = Vec::with_capacity(previous.len().max(new.len()));
    for (key, entry) in &new {
        let old = previous
            .get(key)
            .or_else(|| uid_moves.get(key).and_then(|k| previous.get(k)));
        drafts.push(planner.for_new(entry, old));
    }
    let matched: HashSet<Key<'_>> = uid_moves.values().copied().collect();
    for (key, entry) in &previous {
        if !new.contains_key(key) && !matched.contains(key) {
            drafts.push(planner.for_removed(entry));
        }
    }
    drafts.sort_by(|a, b| a.op.key.cmp(&b.op.key));

    let mut warnings = namespace_warnings(&drafts, &new);
    let mass_deletion = guard(&mut drafts, previous.len(), new.is_empty(), policy);
    let order = order(&drafts, &previous, &new, policy, &mut warnings);
    let operations: Vec<Operation> = drafts.into_iter().map(|d| d.op).collect();
    let kots = KotsComparison {
        delete_set: kots_delete_set(&input.previous, &input.new, policy),
        diff_summary: match (&input.previous_files, &input.new_files) {
            (Some(a), Some(b)) => Some(kots_diff_summary(a, b)),
            _ => None,
        },
    };
    Ok(Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        namespace: policy.namespace.clone(),
        summary: summarise(&operations),
        operations,
        order,
        mass_deletion,
        kots,
        warnings,
    })
}

fn validate(policy: &Policy) -> Result<(), PlanError> {
    if policy.namespace.is_empty() {
        return Err(PlanError::InvalidPolicy {
            field: "namespace",
            message: "must not be empty".to_string(),
        });
    }
    if let Some(share) = policy.max_delete_share {
        if !(0.0..=1.0).contains(&share) {
            return Err(PlanError::InvalidPolicy {
                field: "maxDeleteShare",
                message: format!("{share} is not between 0 and 1"),
            });
        }
    }
    Ok(())
}

/// With a live snapshot, a removed identity and a new one that the server reports as the same
/// object (same UID, e.g. one Deployment listed under two groups) are one object: new key →
/// previous key.
fn uid_matches<'a>(
    previous: &HashMap<Key<'a>, Entry<'a>>,
    new: &HashMap<Key<'a>, Entry<'a>>,
    live: &HashMap<Key<'a>, &'a Object>,
) -> HashMap<Key<'a>, Key<'a>> {
    if live.is_empty() {
        return HashMap::new();
    }
    let mut new_by_uid: HashMap<&str, Key<'a>> = HashMap::new();
    for key in new.keys().filter(|k| !previous.contains_key(*k)) {
        if let Some(u) = live.get(key).and_then(|o| uid(o)) {
            new_by_uid.insert(u, *key);
        }
    }
    let mut out = HashMap::new();
    for key in previous.keys().filter(|k| !new.contains_key(*k)) {
        if let Some(new_key) = live
            .get(key)
            .and_then(|o| uid(o))
            .and_then(|u| new_by_uid.get(u))
        {
            out.insert(*new_key, *key);
        }
    }
    out
}

/// The snapshot "covers" an object when it holds others of its kind in its namespace: only then
/// does the object's absence mean it is gone (the caller may have read only some kinds).
fn coverage<'a>(key: &Key<'a>) -> (&'a str, &'a str, Option<&'a str>) {
    (key.group, key.kind, key.namespace)
}

struct Planner<'w, 'a> {
    world: &'w World<'a>,
    ignores: &'w [CompiledIgnore],
    /// `(group, kind, namespace)` combinations the live snapshot holds objects of.
    live_coverage: HashSet<(&'a str, &'a str, Option<&'a str>)>,
}

impl<'a> Planner<'_, 'a> {
    /// Create, update, replace or noop for an object of the new release.
    fn for_new(&self, entry: &Entry<'a>, old: Option<&Entry<'a>>) -> Draft<'a> {
        let key = &entry.key;
        let mut op = self.operation(OpKind::Create, key, entry.api_version);
        op.reason_code = ReasonCode::New;
        op.reason = "new in this release".to_string();
        if let Some(old) = old {
            self.diff_into(&mut op, old, entry.obj);
        }
        let rating = self.world.rate(
            op.op,
            key,
            old.map(|o| o.obj),
            Some(entry.obj),
            &op.immutable_fields,
        );
        op.severity = rating.severity;
        op.data_loss = rating.data_loss;
        self.refuse_data_loss(&mut op);
        Draft {
            op,
            key: *key,
            obj: entry.obj,
            position: (0, entry.index),
        }
    }

    fn diff_into(&self, op: &mut Operation, old: &Entry<'a>, new: &Object) {
        let changes = diff_objects(old.obj, new, self.ignores);
        let previous_id = old.key.object_ref(old.api_version);
        if previous_id != op.id {
            op.previous_id = Some(previous_id);
        }
        op.previous_source = old.attempt.map(|n| format!("failedAttempt[{n}]"));
        if changes.is_empty() {
            op.op = OpKind::Noop;
            op.reason_code = ReasonCode::Unchanged;
            op.reason = "no semantic change".to_string();
            return;
        }
        let immutable = immutable_fields(old.key.group, old.obj, &changes);
        if immutable.is_empty() {
            op.op = OpKind::Update;
            op.reason_code = ReasonCode::Changed;
            op.reason = format!("{} field(s) changed", changes.len());
        } else {
            op.op = OpKind::Replace;
            op.reason_code = ReasonCode::ImmutableFieldChanged;
            op.reason = format!("immutable field(s) changed: {}", immutable.join(", "));
        }
        op.changes = changes;
        op.immutable_fields = immutable;
    }

    /// Delete, orphan or noop for an object only in the previous inventory.
    fn for_removed(&self, entry: &Entry<'a>) -> Draft<'a> {
        let key = &entry.key;
        let live = self.world.live.get(key).copied();
        let mut op = self.operation(OpKind::Delete, key, entry.api_version);
        let from = match entry.attempt {
            Some(n) => format!("created by failed attempt {n} and absent from this release"),
            None => "removed from this release".to_string(),
        };
        if live.is_none() && self.live_coverage.contains(&coverage(key)) {
            op.op = OpKind::Noop;
            op.reason_code = ReasonCode::AlreadyAbsent;
            op.reason = format!("{from}; already absent from the live snapshot");
        } else if let Some(marker) = keep_marker(entry.obj, live) {
            op.op = OpKind::Orphan;
            op.reason_code = ReasonCode::KeepMarker;
            op.reason = format!("kept by {} on the {} object", marker.marker, marker.source);
            op.keep_marker = Some(marker);
        } else if let Some(orphan) =
            namespace_orphan(key, entry.obj, &self.world.policy.additional_namespaces)
        {
            op.op = OpKind::Orphan;
            (op.reason_code, op.reason) = orphan;
        } else {
            op.reason_code = ReasonCode::Removed;
            op.reason = from;
            let rating = self
                .world
                .rate(OpKind::Delete, key, Some(entry.obj), None, &[]);
            op.severity = rating.severity;
            op.data_loss = rating.data_loss;
            self.refuse_data_loss(&mut op);
        }
        op.previous_source = entry.attempt.map(|n| format!("failedAttempt[{n}]"));
        Draft {
            op,
            key: *key,
            obj: entry.obj,
            position: (entry.attempt.map_or(0, |n| n + 1), entry.index),
        }
    }

    fn operation(&self, op: OpKind, key: &Key<'_>, api_version: &str) -> Operation {
        Operation {
            op,
            id: key.object_ref(api_version),
            key: key.to_string(),
            reason_code: ReasonCode::New,
            reason: String::new(),
            severity: Severity::Benign,
            refused: false,
            refused_because: Vec::new(),
            previous_id: None,
            previous_source: None,
            changes: Vec::new(),
            immutable_fields: Vec::new(),
            keep_marker: None,
            data_loss: None,
            live_uid: self
                .world
                .live
                .get(key)
                .and_then(|o| uid(o))
                .map(str::to_string),
        }
    }

    fn refuse_data_loss(&self, op: &mut Operation) {
        if op.severity == Severity::Data && !self.world.policy.allow_data_loss {
            op.refused = true;
            op.refused_because.push(format!(
                "{} of {} can lose data; allow it with allowDataLoss (--allow-data-loss)",
                op_name(op.op),
                op.key
            ));
        }
    }
}

fn op_name(op: OpKind) -> &'static str {
    match op {
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Replace => "replace",
        OpKind::Delete => "delete",
        OpKind::Orphan => "orphan",
        OpKind::Noop => "noop",
    }
}

/// KOTS never deletes a `v1` Namespace listed in `additionalNamespaces`; nobody should delete the
/// cluster's own namespaces.
fn namespace_orphan(
    key: &Key<'_>,
    obj: &Object,
    additional: &[String],
) -> Option<(ReasonCode, String)> {
    if !key.group.is_empty() || key.kind != "Namespace" {
        return None;
    }
    if obj.api_version() == "v1" && additional.iter().any(|n| *n == key.name) {
        return Some((
            ReasonCode::AdditionalNamespace,
            format!(
                "Namespace {} is listed in additionalNamespaces, which KOTS never deletes",
                key.name
            ),
        ));
    }
    SYSTEM_NAMESPACES.contains(&key.name).then(|| {
        (
            ReasonCode::SystemNamespace,
            format!("Namespace {} belongs to the cluster", key.name),
        )
    })
}

/// Refuses every delete when too many previous objects would go.
fn guard(
    drafts: &mut [Draft<'_>],
    previous: usize,
    new_empty: bool,
    policy: &Policy,
) -> MassDeletionGuard {
    let deletes = drafts.iter().filter(|d| d.op.op == OpKind::Delete).count();
    let share = if previous == 0 {
        0.0
    } else {
        deletes as f64 / previous as f64
    };
    let over = deletes > 0
        && (deletes == previous || new_empty || policy.max_delete_share.is_some_and(|m| share > m));
    let tripped = over && !policy.allow_mass_deletion;
    if tripped {
        let why = format!(
            "mass-deletion guard: {deletes} of {previous} previous objects would be deleted; allow it with allowMassDeletion"
        );
        for d in drafts.iter_mut().filter(|d| d.op.op == OpKind::Delete) {
            d.op.refused = true;
            d.op.refused_because.push(why.clone());
        }
    }
    MassDeletionGuard {
        previous_objects: previous,
        deletes,
        max_share: policy.max_delete_share,
        tripped,
    }
}

fn namespace_warnings(drafts: &[Draft<'_>], new: &HashMap<Key<'_>, Entry<'_>>) -> Vec<String> {
    let mut warnings = Vec::new();
    for d in drafts.iter().filter(|d| {
        d.op.op == OpKind::Delete && d.key.kind == "Namespace" && d.key.group.is_empty()
    }) {
        let still = new
            .keys()
            .filter(|k| k.namespace == Some(d.key.name))
            .count();
        if still > 0 {
            warnings.push(format!(
                "Namespace {} is deleted but the new release still puts {still} object(s) in it",
                d.key.name
            ));
        }
    }
    warnings
}

fn order(
    drafts: &[Draft<'_>],
    previous: &HashMap<Key<'_>, Entry<'_>>,
    new: &HashMap<Key<'_>, Entry<'_>>,
    policy: &Policy,
    warnings: &mut Vec<String>,
) -> Order {
    let applies: Vec<Node<'_>> = drafts
        .iter()
        .filter(|d| matches!(d.op.op, OpKind::Create | OpKind::Update | OpKind::Replace))
        .map(to_node)
        .collect();
    let deletes: Vec<Node<'_>> = drafts
        .iter()
        .filter(|d| d.op.op == OpKind::Delete)
        .map(to_node)
        .collect();
    let steps = match policy.order {
        OrderMode::Kots => kots_order(&applies, &deletes),
        OrderMode::Dag => {
            let crds = crd_index(previous.values().chain(new.values()));
            dag_order(&applies, &deletes, &crds, warnings)
        }
    };
    Order {
        mode: policy.order,
        steps,
    }
}

fn to_node<'d>(d: &'d Draft<'_>) -> Node<'d> {
    Node {
        key: d.key,
        label: &d.op.key,
        obj: d.obj,
        position: d.position,
    }
}

/// Custom `(group, kind)` → the identity of its CRD.
fn crd_index<'e>(
    entries: impl Iterator<Item = &'e Entry<'e>>,
) -> HashMap<(&'e str, &'e str), Key<'e>> {
    entries
        .filter(|e| is_crd(e.obj))
        .filter_map(|e| crd_target(e.obj).map(|(g, k, _)| ((g, k), e.key)))
        .collect()
}

fn summarise(operations: &[Operation]) -> Summary {
    let mut s = Summary::default();
    for op in operations {
        match op.op {
            OpKind::Create => s.create += 1,
            OpKind::Update => s.update += 1,
            OpKind::Replace => s.replace += 1,
            OpKind::Delete => s.delete += 1,
            OpKind::Orphan => s.orphan += 1,
            OpKind::Noop => s.noop += 1,
        }
        if op.refused {
            s.refused += 1;
        }
    }
    s
}
