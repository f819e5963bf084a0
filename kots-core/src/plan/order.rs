//! Execution order: KOTS's phase-and-kind order, or dependency levels.

use std::collections::{BTreeMap, HashMap};

use super::identity::Key;
use super::kots::{
    phase, rank, CREATION_PHASE, DELETION_PHASE, KIND_CREATION_ORDER, KIND_DELETION_ORDER,
};
use super::model::{Step, StepAction};
use super::refs::references;
use crate::manifest::Object;

/// An operation to place in the order.
pub(crate) struct Node<'a> {
    pub key: Key<'a>,
    /// The operation's key string (`Operation::key`).
    pub label: &'a str,
    /// The new object (applies) or the previous one (deletes).
    pub obj: &'a Object,
    /// Document order: (inventory, position).
    pub position: (usize, usize),
}

/// KOTS's order (`groupAndSortResourcesForDeletion`, then `groupAndSortResourcesForCreation`):
/// deletes before applies; phases ascending; KOTS's kind lists; unknown kinds deleted first and
/// created last. Where KOTS falls back on Go map order (unknown kinds among themselves, objects
/// of one kind), this uses the kind name and then document order, so plans are reproducible.
pub(crate) fn kots_order(applies: &[Node<'_>], deletes: &[Node<'_>]) -> Vec<Step> {
    let mut steps = phased(deletes, DELETION_PHASE, StepAction::Delete, |n| {
        let r = rank(KIND_DELETION_ORDER, n.key.kind);
        // Unknown kinds first.
        (
            r.is_some(),
            if r.is_none() { n.key.kind } else { "" },
            r.unwrap_or(0),
        )
    });
    steps.extend(phased(applies, CREATION_PHASE, StepAction::Apply, |n| {
        let r = rank(KIND_CREATION_ORDER, n.key.kind);
        (
            r.is_none(),
            if r.is_none() { n.key.kind } else { "" },
            r.unwrap_or(0),
        )
    }));
    steps
}

fn phased<'n, K: Ord>(
    nodes: &'n [Node<'n>],
    annotation: &str,
    action: StepAction,
    kind_key: impl Fn(&'n Node<'n>) -> K,
) -> Vec<Step> {
    let mut by_phase: BTreeMap<i64, Vec<&Node<'_>>> = BTreeMap::new();
    for node in nodes {
        by_phase
            .entry(phase(node.obj, annotation))
            .or_default()
            .push(node);
    }
    by_phase
        .into_iter()
        .map(|(index, mut group)| {
            group.sort_by_cached_key(|n| (kind_key(n), n.position));
            Step {
                action,
                index,
                parallel: false,
                operations: group.iter().map(|n| n.label.to_string()).collect(),
            }
        })
        .collect()
}

/// Dependency levels: applies level by level (what an object refers to comes first; webhooks
/// and APIServices last), then deletes in the reverse direction (referrers first; webhooks and
/// APIServices first). Operations within a level are independent.
pub(crate) fn dag_order<'a>(
    applies: &[Node<'a>],
    deletes: &[Node<'a>],
    crds: &HashMap<(&'a str, &'a str), Key<'a>>,
    warnings: &mut Vec<String>,
) -> Vec<Step> {
    let create_rank =
        |n: &Node<'_>| rank(KIND_CREATION_ORDER, n.key.kind).unwrap_or(KIND_CREATION_ORDER.len());
    let delete_rank = |n: &Node<'_>| rank(KIND_DELETION_ORDER, n.key.kind).map_or(0, |r| r + 1);
    let mut steps = Vec::new();
    let apply_levels = levels(applies, crds, false, &create_rank, warnings);
    push_levels(&mut steps, StepAction::Apply, applies, apply_levels);
    let delete_levels = levels(deletes, crds, true, &delete_rank, warnings);
    push_levels(&mut steps, StepAction::Delete, deletes, delete_levels);
    steps
}

fn push_levels(
    steps: &mut Vec<Step>,
    action: StepAction,
    nodes: &[Node<'_>],
    levels: Vec<Vec<usize>>,
) {
    for (index, level) in levels.into_iter().enumerate() {
        steps.push(Step {
            action,
            index: index as i64,
            parallel: true,
            operations: level.iter().map(|&i| nodes[i].label.to_string()).collect(),
        });
    }
}

fn is_last_kind(key: &Key<'_>) -> bool {
    matches!(
        key.kind,
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" | "APIService"
    )
}

/// Layers `nodes` by their references (Kahn's algorithm, one level per round). Webhooks and
/// APIServices form their own level: last for applies, first for deletes (`reverse`). A cycle
/// is broken at its lowest-ranked node, with a warning.
fn levels<'a>(
    nodes: &[Node<'a>],
    crds: &HashMap<(&'a str, &'a str), Key<'a>>,
    reverse: bool,
    kind_rank: &dyn Fn(&Node<'_>) -> usize,
    warnings: &mut Vec<String>,
) -> Vec<Vec<usize>> {
    let index: HashMap<Key<'a>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut indegree = vec![0usize; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        if is_last_kind(&node.key) {
            continue;
        }
        let mut deps: Vec<usize> = references(node.obj, &node.key, crds)
            .iter()
            .filter_map(|k| index.get(k).copied())
            .filter(|&d| d != i && !is_last_kind(&nodes[d].key))
            .collect();
        deps.sort_unstable();
        deps.dedup();
        for d in deps {
            // Applies: the dependency first. Deletes: the referrer first.
            let (from, to) = if reverse { (i, d) } else { (d, i) };
            successors[from].push(to);
            indegree[to] += 1;
        }
    }
    let sort_key = |&i: &usize| (kind_rank(&nodes[i]), nodes[i].label);
    let (last, rest): (Vec<usize>, Vec<usize>) =
        (0..nodes.len()).partition(|&i| is_last_kind(&nodes[i].key));
    let mut done = vec![false; nodes.len()];
    let mut remaining = rest.len();
    let mut ready: Vec<usize> = rest.iter().copied().filter(|&i| indegree[i] == 0).collect();
    let mut out: Vec<Vec<usize>> = Vec::new();
    while remaining > 0 {
        if ready.is_empty() {
            let forced = rest
                .iter()
                .copied()
                .filter(|&i| !done[i])
                .min_by_key(|i| sort_key(i))
                .expect("remaining > 0");
            warnings.push(format!(
                "dependency cycle through {}: ordered by kind there",
                nodes[forced].label
            ));
            ready.push(forced);
        }
        ready.sort_by_key(|i| sort_key(i));
        let mut next = Vec::new();
        for &u in &ready {
            done[u] = true;
        }
        for &u in &ready {
            for &v in &successors[u] {
                if !done[v] {
                    indegree[v] -= 1;
                    if indegree[v] == 0 {
                        next.push(v);
                    }
                }
            }
        }
        remaining -= ready.len();
        out.push(std::mem::replace(&mut ready, next));
    }
    if !last.is_empty() {
        let mut last = last;
        last.sort_by_key(|i| sort_key(i));
        if reverse {
            out.insert(0, last);
        } else {
            out.push(last);
        }
    }
    out
}
