//! Applying a kustomization `images` list to objects in place, as `kustomize build` does in KOTS's
//! downstream render (kustomize v5 `ImageTagTransformer`).
//!
//! Each entry is one transformer, applied in list order. A value matches an entry when it is the
//! entry's `name` (compiled by kustomize as a regular expression, so a `.` in the name matches any
//! character) followed by an optional `:tag` and an optional `@sha256:…`; the name is replaced by
//! `newName` and the tag and digest are kept unless the entry sets `newTag`/`digest`. KOTS clears
//! those, so each reference keeps its own tag or digest. The fields visited are the `image` fields
//! of every `containers` and `initContainers` list at any depth (kustomize's legacy filter),
//! CustomResourceDefinitions excepted; [`DiscoveryMode::Complete`] adds `ephemeralContainers`.

use regex::Regex;
use serde_json::{Map, Value};

use super::discover::DiscoveryMode;
use super::KustomizeImage;
use crate::manifest::Object;

/// A compiled kustomize `images` list.
///
/// ```
/// use kots_core::image::{ImageRewriter, KustomizeImage};
///
/// let rewriter = ImageRewriter::new(vec![KustomizeImage {
///     name: "nginx".into(), new_name: "ttl.sh/test/nginx".into(), ..Default::default() }]);
/// assert_eq!(rewriter.rewrite("nginx:1@sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261").as_deref(),
///            Some("ttl.sh/test/nginx:1@sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261"));
/// assert_eq!(rewriter.rewrite("docker.io/library/nginx"), None);
/// ```
#[derive(Debug, Clone)]
pub struct ImageRewriter {
    entries: Vec<KustomizeImage>,
    trie: NameTrie,
    /// Entries whose names hold regular-expression syntax other than `.` (never produced by KOTS);
    /// `None` when Go's `regexp.Compile` would fail (such an entry never matches here).
    irregular: Vec<(usize, Option<Regex>)>,
}

impl ImageRewriter {
    pub fn new(entries: Vec<KustomizeImage>) -> ImageRewriter {
        let mut trie = NameTrie::default();
        let mut irregular = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            if entry.name.chars().all(plain_name_char) {
                trie.insert(&entry.name, index);
            } else {
                let pattern = format!("^(?:{}){}$", entry.name, SUFFIX);
                irregular.push((index, Regex::new(&pattern).ok()));
            }
        }
        ImageRewriter {
            entries,
            trie,
            irregular,
        }
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[KustomizeImage] {
        &self.entries
    }

    /// The new value of an image field, or `None` when no entry matches.
    pub fn rewrite(&self, value: &str) -> Option<String> {
        let mut scratch = Scratch::default();
        let index = self.first_match(value, 0, &mut scratch)?;
        let mut current = apply(&self.entries[index], value);
        let mut next = index + 1;
        while let Some(index) = self.first_match(&current, next, &mut scratch) {
            current = apply(&self.entries[index], &current);
            next = index + 1;
        }
        Some(current)
    }

    /// Rewrites the image fields of every object in place; returns how many fields changed.
    pub fn rewrite_objects(&self, objects: &mut [Object], mode: DiscoveryMode) -> usize {
        let mut changed = 0;
        for object in objects {
            if object.kind() == "CustomResourceDefinition" {
                continue;
            }
            changed += self.walk_map(object.as_map_mut(), mode);
        }
        changed
    }

    fn walk_map(&self, map: &mut Map<String, Value>, mode: DiscoveryMode) -> usize {
        let mut changed = 0;
        for (key, value) in map.iter_mut() {
            changed += self.walk_value(value, mode);
            let listed = matches!(key.as_str(), "containers" | "initContainers")
                || (mode == DiscoveryMode::Complete && key == "ephemeralContainers");
            if let (true, Value::Array(items)) = (listed, value) {
                for item in items {
                    if let Some(Value::String(image)) = item.get_mut("image") {
                        if let Some(new) = self.rewrite(image) {
                            *image = new;
                            changed += 1;
                        }
                    }
                }
            }
        }
        changed
    }

    fn walk_value(&self, value: &mut Value, mode: DiscoveryMode) -> usize {
        match value {
            Value::Object(map) => self.walk_map(map, mode),
            Value::Array(items) => items.iter_mut().map(|v| self.walk_value(v, mode)).sum(),
            _ => 0,
        }
    }

    /// The first entry at or after `from` whose name matches `value`.
    fn first_match(&self, value: &str, from: usize, scratch: &mut Scratch) -> Option<usize> {
        let mut best: Option<usize> = None;
        let (ends, count) = name_ends(value);
        for &end in &ends[..count] {
            self.trie.matches(&value[..end], from, &mut best, scratch);
        }
        for (index, regex) in &self.irregular {
            if *index >= from
                && best.is_none_or(|b| *index < b)
                && regex.as_ref().is_some_and(|r| r.is_match(value))
            {
                best = Some(*index);
            }
        }
        best
    }
}

/// What kustomize accepts after the name: `(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?`.
const SUFFIX: &str = "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?";

fn suffix_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '{' | '}' | '-')
}

/// Characters that mean themselves in a Go regular expression, plus `.` (any character).
fn plain_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '/' | '-' | '_' | ':' | '@')
}

/// The byte offsets (at most 4, with their count) where the name part of `value` may end so that
/// the rest matches [`SUFFIX`].
fn name_ends(value: &str) -> ([usize; 4], usize) {
    let all_suffix = |s: &str| s.chars().all(suffix_char);
    let mut digest_starts = [value.len(); 2];
    let mut starts = 1;
    if let Some(d) = value.rfind("@sha256:") {
        if all_suffix(&value[d + "@sha256:".len()..]) {
            digest_starts[1] = d;
            starts = 2;
        }
    }
    let mut ends = [0; 4];
    let mut count = 0;
    for &end in &digest_starts[..starts] {
        ends[count] = end;
        count += 1;
        if let Some(c) = value[..end].rfind(':') {
            if all_suffix(&value[c + 1..end]) {
                ends[count] = c;
                count += 1;
            }
        }
    }
    (ends, count)
}

/// State sets reused across trie walks.
#[derive(Default)]
struct Scratch {
    states: Vec<u32>,
    next: Vec<u32>,
}

/// kustomize's `imageTagUpdater.SetImageValue` for a matched value.
fn apply(entry: &KustomizeImage, value: &str) -> String {
    let (name, mut tag, mut digest) = split(value);
    let mut name = if entry.new_name.is_empty() {
        name.to_string()
    } else {
        entry.new_name.clone()
    };
    match (entry.new_tag.is_empty(), entry.digest.is_empty()) {
        (false, false) => (tag, digest) = (&entry.new_tag, &entry.digest),
        (false, true) => (tag, digest) = (&entry.new_tag, ""),
        (true, false) => (tag, digest) = ("", &entry.digest),
        (true, true) => {}
    }
    if !tag.is_empty() {
        name.push(':');
        name.push_str(tag);
    }
    if !digest.is_empty() {
        name.push('@');
        name.push_str(digest);
    }
    name
}

/// kustomize's `image.Split`: name, tag and digest, ignoring `:` before the first `/`.
fn split(image: &str) -> (&str, &str, &str) {
    let slash = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[slash..];
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (&image[..d], "", &image[d + 1..]),
        (Some(c), Some(d)) => (&image[..c], &image[c + 1..d], &image[d + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
        (None, Some(_)) => unreachable!("handled by the digest-only arm"),
    }
}

/// Entry names in a trie where `.` is a wildcard edge, so a value is matched against all names at
/// once.
#[derive(Debug, Clone, Default)]
struct NameTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    /// Literal edges, sorted by character.
    edges: Vec<(char, u32)>,
    /// The edge for a `.` in a name: any character but a newline.
    wildcard: Option<u32>,
    /// Entry indices (ascending) whose names end here.
    terminals: Vec<usize>,
}

impl NameTrie {
    fn insert(&mut self, name: &str, index: usize) {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = 0usize;
        for c in name.chars() {
            let fresh = self.nodes.len() as u32;
            let current = &mut self.nodes[node];
            let next = if c == '.' {
                *current.wildcard.get_or_insert(fresh)
            } else {
                match current.edges.binary_search_by_key(&c, |e| e.0) {
                    Ok(i) => current.edges[i].1,
                    Err(i) => {
                        current.edges.insert(i, (c, fresh));
                        fresh
                    }
                }
            };
            if next == fresh {
                self.nodes.push(TrieNode::default());
            }
            node = next as usize;
        }
        self.nodes[node].terminals.push(index);
    }

    /// Lowers `best` to the smallest entry index `>= from` whose name matches all of `text`.
    fn matches(&self, text: &str, from: usize, best: &mut Option<usize>, scratch: &mut Scratch) {
        if self.nodes.is_empty() {
            return;
        }
        let Scratch { states, next } = scratch;
        states.clear();
        states.push(0);
        for c in text.chars() {
            next.clear();
            for &state in states.iter() {
                let node = &self.nodes[state as usize];
                if c == '\n' {
                    continue;
                }
                if let Ok(i) = node.edges.binary_search_by_key(&c, |e| e.0) {
                    next.push(node.edges[i].1);
                }
                next.extend(node.wildcard);
            }
            if next.is_empty() {
                return;
            }
            next.sort_unstable();
            next.dedup();
            std::mem::swap(states, next);
        }
        for &state in states.iter() {
            let terminals = &self.nodes[state as usize].terminals;
            if let Some(&index) = terminals.iter().find(|&&i| i >= from) {
                if best.is_none_or(|b| index < b) {
                    *best = Some(index);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, new_name: &str) -> KustomizeImage {
        KustomizeImage {
            name: name.into(),
            new_name: new_name.into(),
            ..KustomizeImage::default()
        }
    }

    #[test]
    fn split_like_kustomize() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1"), ("nginx", "1", ""));
        assert_eq!(split("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(split("nginx:1@sha256:abc"), ("nginx", "1", "sha256:abc"));
        assert_eq!(split("host:5000/app:1"), ("host:5000/app", "1", ""));
        assert_eq!(split("host:5000/app"), ("host:5000/app", "", ""));
    }

    #[test]
    fn matching_rules() {
        let r = ImageRewriter::new(vec![entry("docker.io/library/nginx", "x/nginx")]);
        assert_eq!(
            r.rewrite("docker.io/library/nginx:1").as_deref(),
            Some("x/nginx:1")
        );
        // `.` in a name is a regular-expression wildcard in kustomize.
        assert_eq!(
            r.rewrite("dockerXio/library/nginx").as_deref(),
            Some("x/nginx")
        );
        assert_eq!(r.rewrite("docker.io/library/nginx2"), None);
        assert_eq!(r.rewrite("docker.io/library/nginx@sha512:abc"), None);
        let tagged = ImageRewriter::new(vec![KustomizeImage {
            new_tag: "2".into(),
            ..entry("a", "")
        }]);
        assert_eq!(tagged.rewrite("a:1@sha256:abc").as_deref(), Some("a:2"));
    }

    #[test]
    fn entries_apply_in_order_once_each() {
        let r = ImageRewriter::new(vec![entry("a", "b"), entry("b", "c"), entry("a", "z")]);
        assert_eq!(r.rewrite("a:1").as_deref(), Some("c:1"));
        assert_eq!(r.rewrite("b").as_deref(), Some("c"));
    }
}
