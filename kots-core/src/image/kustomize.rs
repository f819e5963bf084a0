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

use std::collections::HashMap;

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
        let mut current = value.to_string();
        let mut next = 0;
        let mut changed = false;
        while let Some(index) = self.first_match(&current, next) {
            current = apply(&self.entries[index], &current);
            changed = true;
            next = index + 1;
        }
        changed.then_some(current)
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
    fn first_match(&self, value: &str, from: usize) -> Option<usize> {
        let mut best: Option<usize> = None;
        for end in name_ends(value) {
            self.trie.matches(&value[..end], from, &mut best);
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

/// The byte offsets where the name part of `value` may end so that the rest matches [`SUFFIX`].
fn name_ends(value: &str) -> Vec<usize> {
    let all_suffix = |s: &str| s.chars().all(suffix_char);
    let mut digest_starts = vec![value.len()];
    if let Some(d) = value.rfind("@sha256:") {
        if all_suffix(&value[d + "@sha256:".len()..]) {
            digest_starts.push(d);
        }
    }
    let mut ends = Vec::with_capacity(4);
    for end in digest_starts {
        ends.push(end);
        if let Some(c) = value[..end].rfind(':') {
            if all_suffix(&value[c + 1..end]) {
                ends.push(c);
            }
        }
    }
    ends
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
    edges: HashMap<(usize, char), usize>,
    /// Entry indices (ascending) ending at each node; node 0 is the root.
    terminals: Vec<Vec<usize>>,
}

impl NameTrie {
    fn insert(&mut self, name: &str, index: usize) {
        if self.terminals.is_empty() {
            self.terminals.push(Vec::new());
        }
        let mut node = 0;
        for c in name.chars() {
            let next = self.terminals.len();
            node = *self.edges.entry((node, c)).or_insert(next);
            if node == next {
                self.terminals.push(Vec::new());
            }
        }
        self.terminals[node].push(index);
    }

    /// Lowers `best` to the smallest entry index `>= from` whose name matches all of `text`.
    fn matches(&self, text: &str, from: usize, best: &mut Option<usize>) {
        if self.terminals.is_empty() {
            return;
        }
        let mut states = vec![0usize];
        for c in text.chars() {
            let mut next = Vec::with_capacity(states.len());
            for state in states {
                if c != '.' && c != '\n' {
                    next.extend(self.edges.get(&(state, c)));
                }
                if c != '\n' {
                    next.extend(self.edges.get(&(state, '.')));
                }
            }
            next.sort_unstable();
            next.dedup();
            if next.is_empty() {
                return;
            }
            states = next;
        }
        for state in states {
            if let Some(&index) = self.terminals[state].iter().find(|&&i| i >= from) {
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
