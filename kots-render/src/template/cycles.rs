//! Frees the reference cycles a template can build. sprig's `set` and `merge` change maps in
//! place, so `set $d "self" $d` stores a map inside itself. Go's garbage collector frees such a
//! map; reference counting never would, so a long-running process rendering untrusted templates
//! would grow without bound. When a render ends, every map that can reach itself is emptied,
//! which drops the cycle. The text the render produced is unaffected; a map of the caller's data
//! that ends up inside a cycle is left empty.

use std::collections::HashMap;

use super::value::{MapRef, Value};

/// The maps `set` and `merge` stored into during one render: every cycle passes through one of
/// them, because a map can only come to contain itself by a store into a map that exists.
#[derive(Default)]
pub(crate) struct StoredMaps(HashMap<usize, MapRef>);

impl StoredMaps {
    pub(crate) fn note(&mut self, map: &MapRef) {
        self.0.entry(map.id()).or_insert_with(|| map.clone());
    }

    /// Empties every map on a cycle reachable from the stored maps (Tarjan's strongly connected
    /// components, iterative, linear in the maps reached).
    pub(crate) fn break_cycles(self) {
        if self.0.is_empty() {
            return;
        }
        let graph = Graph::reachable_from(self.0.into_values());
        for node in graph.cyclic_nodes() {
            graph.maps[node].update(|m| m.clear());
        }
    }
}

/// Maps as nodes, "holds directly or inside lists" as edges.
#[derive(Default)]
struct Graph {
    maps: Vec<MapRef>,
    edges: Vec<Vec<usize>>,
    ids: HashMap<usize, usize>,
}

impl Graph {
    fn reachable_from(roots: impl Iterator<Item = MapRef>) -> Graph {
        let mut graph = Graph::default();
        for root in roots {
            graph.node(&root);
        }
        let mut next = 0;
        while next < graph.maps.len() {
            let snapshot = graph.maps[next].snapshot();
            let mut pending: Vec<&Value> = snapshot.values().collect();
            let mut edges = Vec::new();
            while let Some(value) = pending.pop() {
                match value {
                    Value::Map(m) => edges.push(graph.node(m)),
                    Value::List(items) => pending.extend(items.iter()),
                    _ => {}
                }
            }
            graph.edges[next] = edges;
            next += 1;
        }
        graph
    }

    fn node(&mut self, map: &MapRef) -> usize {
        *self.ids.entry(map.id()).or_insert_with(|| {
            self.maps.push(map.clone());
            self.edges.push(Vec::new());
            self.maps.len() - 1
        })
    }

    /// The nodes of every strongly connected component that holds a cycle.
    fn cyclic_nodes(&self) -> Vec<usize> {
        const UNSEEN: usize = usize::MAX;
        let n = self.maps.len();
        let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
        let (mut stack, mut out, mut counter) = (Vec::new(), Vec::new(), 0);
        for start in 0..n {
            if index[start] != UNSEEN {
                continue;
            }
            let mut calls = vec![(start, 0usize)];
            index[start] = counter;
            low[start] = counter;
            counter += 1;
            stack.push(start);
            on_stack[start] = true;
            while let Some(&(v, edge)) = calls.last() {
                if let Some(&w) = self.edges[v].get(edge) {
                    if let Some(top) = calls.last_mut() {
                        top.1 += 1;
                    }
                    if index[w] == UNSEEN {
                        index[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if component.len() > 1 || self.edges[v].contains(&v) {
                        out.extend(component);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::value::Map;

    fn map() -> MapRef {
        MapRef::new(Map::new())
    }

    fn put(into: &MapRef, key: &str, value: Value) {
        into.update(|m| m.insert(key.into(), value));
    }

    #[test]
    fn empties_maps_on_cycles_only() {
        let (a, b, c, plain) = (map(), map(), map(), map());
        put(&a, "b", Value::Map(b.clone()));
        put(&b, "a", Value::list(vec![Value::Map(a.clone())])); // a -> b -> [a]
        put(&c, "self", Value::Map(c.clone())); // c -> c
        put(&plain, "a", Value::Map(a.clone())); // reaches the cycle, is not on it
        put(&plain, "x", Value::Int(1));
        let mut stored = StoredMaps::default();
        for m in [&a, &c, &plain] {
            stored.note(m);
        }
        let weak_c = std::sync::Arc::downgrade(&c.snapshot());
        stored.break_cycles();
        assert!(a.is_empty() && b.is_empty() && c.is_empty());
        assert_eq!(plain.len(), 2);
        drop(c);
        assert!(weak_c.upgrade().is_none(), "the self-holding map was freed");
    }

    #[test]
    fn deep_chains_do_not_recurse() {
        let first = map();
        let mut last = first.clone();
        for _ in 0..100_000 {
            let next = map();
            put(&last, "n", Value::Map(next.clone()));
            last = next;
        }
        put(&last, "first", Value::Map(first.clone()));
        let mut stored = StoredMaps::default();
        stored.note(&last);
        stored.break_cycles();
        assert!(last.is_empty() && first.is_empty());
    }
}
