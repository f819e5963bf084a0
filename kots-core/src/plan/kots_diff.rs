//! KOTS's version diff summary (kots-internals §7.1): `{filesChanged, linesAdded, linesRemoved}`.
//!
//! KOTS (`pkg/apparchive/diff.go`) diffs each file present in both versions with go-diff v1.4.0
//! (diff-match-patch) in line mode: every line becomes one symbol, `DiffMain(checklines=false)`
//! runs on the symbols, and the lines of each Delete or Insert hunk are counted with a
//! `bufio.Scanner`. diff-match-patch is not a minimal diff (its half-match speedup can cut the
//! texts at a long common run), so this module ports the algorithm symbol for symbol rather
//! than using a generic Myers diff: the counts then match KOTS, not just "a" correct diff.
//!
//! The one departure: go-diff stops bisecting after a one-second deadline. A wall clock would make
//! the result depend on the machine, so a fixed budget of bisection steps stands in for it.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version diff KOTS shows between two releases.
///
/// ```
/// use std::collections::BTreeMap;
/// use kots_core::plan::{kots_diff_summary, DiffSummary};
///
/// let old = BTreeMap::from([("a.yaml".to_string(), b"x: 1\ny: 2\n".to_vec())]);
/// let new = BTreeMap::from([("a.yaml".to_string(), b"x: 1\ny: 3\n".to_vec())]);
/// assert_eq!(
///     kots_diff_summary(&old, &new),
///     DiffSummary { files_changed: 1, lines_added: 1, lines_removed: 1 }
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    pub files_changed: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
}

/// Computes KOTS's diff summary between two file maps (relative path → contents), as
/// `diffAppFiles` does: added and removed files count all their lines, common files count the
/// lines of their diff hunks and count as changed when either count is positive.
pub fn kots_diff_summary(
    previous: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> DiffSummary {
    let mut summary = DiffSummary::default();
    for (path, contents) in new {
        match previous.get(path) {
            None => {
                summary.lines_added += scanner_lines(&split_lines(contents));
                summary.files_changed += 1;
            }
            Some(old) => {
                let (added, removed) = diff_content(old, contents);
                summary.lines_added += added;
                summary.lines_removed += removed;
                if added > 0 || removed > 0 {
                    summary.files_changed += 1;
                }
            }
        }
    }
    for (path, contents) in previous {
        if !new.contains_key(path) {
            summary.lines_removed += scanner_lines(&split_lines(contents));
            summary.files_changed += 1;
        }
    }
    summary
}

/// `diffContent(base, updated)`: lines added and removed, counted as KOTS counts them.
pub(crate) fn diff_content(base: &[u8], updated: &[u8]) -> (u64, u64) {
    let mut table: HashMap<&[u8], u32> = HashMap::new();
    let mut lines: Vec<&[u8]> = Vec::new();
    let a = encode(base, &mut table, &mut lines);
    let b = encode(updated, &mut table, &mut lines);
    let mut dmp = Dmp {
        budget: BISECT_BUDGET,
    };
    let (mut added, mut removed) = (0, 0);
    for hunk in dmp.diff_main(&a, &b) {
        let text: Vec<&[u8]> = hunk.items.iter().map(|&i| lines[i as usize]).collect();
        match hunk.op {
            Op::Insert => added += scanner_lines(&text),
            Op::Delete => removed += scanner_lines(&text),
            Op::Equal => {}
        }
    }
    (added, removed)
}

/// Maps each line to a symbol, equal lines to equal symbols (go-diff `diffLinesToStrings`).
fn encode<'t>(
    text: &'t [u8],
    table: &mut HashMap<&'t [u8], u32>,
    lines: &mut Vec<&'t [u8]>,
) -> Vec<u32> {
    split_lines(text)
        .into_iter()
        .map(|line| {
            *table.entry(line).or_insert_with(|| {
                lines.push(line);
                (lines.len() - 1) as u32
            })
        })
        .collect()
}

/// Splits text the way go-diff's `diffLinesToStringsMunge` does: each line keeps its `\n`; the
/// last line has none when the text does not end with one.
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// Go's `bufio.Scanner` refuses tokens longer than this (`MaxScanTokenSize`) and stops.
const MAX_SCAN_TOKEN: usize = 64 * 1024;

/// How many lines a `bufio.Scanner` with `ScanLines` yields over the concatenated lines: one per
/// line, until a line of 64 KiB or more (without its `\n`) ends the scan with `ErrTooLong`.
fn scanner_lines(lines: &[&[u8]]) -> u64 {
    lines
        .iter()
        .take_while(|line| line.strip_suffix(b"\n").unwrap_or(line).len() < MAX_SCAN_TOKEN)
        .count() as u64
}

/// Stands in for go-diff's one-second `DiffTimeout`: once this many bisection steps are spent,
/// every further bisection gives up as it does at the deadline (whole delete + whole insert).
const BISECT_BUDGET: u64 = 200_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Delete,
    Insert,
    Equal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    op: Op,
    items: Vec<u32>,
}

fn hunk(op: Op, items: &[u32]) -> Hunk {
    Hunk {
        op,
        items: items.to_vec(),
    }
}

/// diff-match-patch over symbol sequences (go-diff v1.4.0 `diffMainRunes` and helpers).
struct Dmp {
    budget: u64,
}

impl Dmp {
    fn diff_main(&mut self, t1: &[u32], t2: &[u32]) -> Vec<Hunk> {
        if t1 == t2 {
            return if t1.is_empty() {
                Vec::new()
            } else {
                vec![hunk(Op::Equal, t1)]
            };
        }
        let prefix = common_prefix(t1, t2);
        let (p1, p2) = (&t1[prefix..], &t2[prefix..]);
        let suffix = common_suffix(p1, p2);
        let (m1, m2) = (&p1[..p1.len() - suffix], &p2[..p2.len() - suffix]);
        let mut diffs = Vec::new();
        if prefix != 0 {
            diffs.push(hunk(Op::Equal, &t1[..prefix]));
        }
        diffs.extend(self.compute(m1, m2));
        if suffix != 0 {
            diffs.push(hunk(Op::Equal, &p1[p1.len() - suffix..]));
        }
        cleanup_merge(diffs)
    }

    fn compute(&mut self, t1: &[u32], t2: &[u32]) -> Vec<Hunk> {
        if t1.is_empty() {
            return vec![hunk(Op::Insert, t2)];
        }
        if t2.is_empty() {
            return vec![hunk(Op::Delete, t1)];
        }
        let (long, short) = if t1.len() > t2.len() {
            (t1, t2)
        } else {
            (t2, t1)
        };
        if let Some(i) = index_of(long, short, 0) {
            let op = if t1.len() > t2.len() {
                Op::Delete
            } else {
                Op::Insert
            };
            return vec![
                hunk(op, &long[..i]),
                hunk(Op::Equal, short),
                hunk(op, &long[i + short.len()..]),
            ];
        }
        if short.len() == 1 {
            return vec![hunk(Op::Delete, t1), hunk(Op::Insert, t2)];
        }
        if let Some([a1, b1, a2, b2, mid]) = half_match(t1, t2) {
            let mut diffs = self.diff_main(a1, a2);
            diffs.push(hunk(Op::Equal, mid));
            diffs.extend(self.diff_main(b1, b2));
            return diffs;
        }
        self.bisect(t1, t2)
    }

    /// Myers' middle-snake bisection, as go-diff writes it (including its off-grid guards).
    fn bisect(&mut self, r1: &[u32], r2: &[u32]) -> Vec<Hunk> {
        let (n1, n2) = (r1.len() as isize, r2.len() as isize);
        let max_d = (n1 + n2 + 1) / 2;
        let v_offset = max_d;
        let v_len = 2 * max_d;
        let mut v1 = vec![-1isize; v_len as usize];
        let mut v2 = vec![-1isize; v_len as usize];
        v1[(v_offset + 1) as usize] = 0;
        v2[(v_offset + 1) as usize] = 0;
        let delta = n1 - n2;
        let front = delta % 2 != 0;
        let (mut k1start, mut k1end, mut k2start, mut k2end) = (0isize, 0isize, 0isize, 0isize);
        for d in 0..max_d {
            if d % 16 == 0 && self.budget == 0 {
                break;
            }
            let mut k1 = -d + k1start;
            while k1 <= d - k1end {
                self.budget = self.budget.saturating_sub(1);
                let k1o = (v_offset + k1) as usize;
                let mut x1 = if k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1]) {
                    v1[k1o + 1]
                } else {
                    v1[k1o - 1] + 1
                };
                let mut y1 = x1 - k1;
                while x1 < n1 && y1 < n2 && r1[x1 as usize] == r2[y1 as usize] {
                    x1 += 1;
                    y1 += 1;
                }
                v1[k1o] = x1;
                if x1 > n1 {
                    k1end += 2;
                } else if y1 > n2 {
                    k1start += 2;
                } else if front {
                    let k2o = v_offset + delta - k1;
                    if k2o >= 0 && k2o < v_len && v2[k2o as usize] != -1 {
                        let x2 = n1 - v2[k2o as usize];
                        if x1 >= x2 {
                            return self.bisect_split(r1, r2, x1 as usize, y1 as usize);
                        }
                    }
                }
                k1 += 2;
            }
            let mut k2 = -d + k2start;
            while k2 <= d - k2end {
                self.budget = self.budget.saturating_sub(1);
                let k2o = (v_offset + k2) as usize;
                let mut x2 = if k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1]) {
                    v2[k2o + 1]
                } else {
                    v2[k2o - 1] + 1
                };
                let mut y2 = x2 - k2;
                while x2 < n1 && y2 < n2 && r1[(n1 - x2 - 1) as usize] == r2[(n2 - y2 - 1) as usize]
                {
                    x2 += 1;
                    y2 += 1;
                }
                v2[k2o] = x2;
                if x2 > n1 {
                    k2end += 2;
                } else if y2 > n2 {
                    k2start += 2;
                } else if !front {
                    let k1o = v_offset + delta - k2;
                    if k1o >= 0 && k1o < v_len && v1[k1o as usize] != -1 {
                        let x1 = v1[k1o as usize];
                        let y1 = v_offset + x1 - k1o;
                        if x1 >= n1 - x2 {
                            return self.bisect_split(r1, r2, x1 as usize, y1 as usize);
                        }
                    }
                }
                k2 += 2;
            }
        }
        vec![hunk(Op::Delete, r1), hunk(Op::Insert, r2)]
    }

    fn bisect_split(&mut self, r1: &[u32], r2: &[u32], x: usize, y: usize) -> Vec<Hunk> {
        let mut diffs = self.diff_main(&r1[..x], &r2[..y]);
        diffs.extend(self.diff_main(&r1[x..], &r2[y..]));
        diffs
    }
}

fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u32], b: &[u32]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// First index at or after `from` where `pattern` occurs in `target` (go-diff `runesIndexOf`).
fn index_of(target: &[u32], pattern: &[u32], from: usize) -> Option<usize> {
    if pattern.len() > target.len() {
        return None;
    }
    (from..=target.len() - pattern.len()).find(|&i| &target[i..i + pattern.len()] == pattern)
}

type HalfMatch<'a> = [&'a [u32]; 5];

/// go-diff `diffHalfMatch` (active because `DiffTimeout` is one second, not zero).
fn half_match<'a>(t1: &'a [u32], t2: &'a [u32]) -> Option<HalfMatch<'a>> {
    let (long, short) = if t1.len() > t2.len() {
        (t1, t2)
    } else {
        (t2, t1)
    };
    if long.len() < 4 || short.len() * 2 < long.len() {
        return None;
    }
    let hm1 = half_match_at(long, short, long.len().div_ceil(4));
    let hm2 = half_match_at(long, short, long.len().div_ceil(2));
    let hm = match (hm1, hm2) {
        (None, None) => return None,
        (Some(h), None) | (None, Some(h)) => h,
        (Some(h1), Some(h2)) => {
            if h1[4].len() > h2[4].len() {
                h1
            } else {
                h2
            }
        }
    };
    if t1.len() > t2.len() {
        Some(hm)
    } else {
        Some([hm[2], hm[3], hm[0], hm[1], hm[4]])
    }
}

/// go-diff `diffHalfMatchI`: seed a quarter-length run of `long` at `i` and grow it in `short`.
fn half_match_at<'a>(long: &'a [u32], short: &'a [u32], i: usize) -> Option<HalfMatch<'a>> {
    let seed = &long[i..i + long.len() / 4];
    let mut best: Option<HalfMatch<'a>> = None;
    let mut best_len = 0;
    let mut from = 0;
    while let Some(j) = index_of(short, seed, from) {
        let prefix = common_prefix(&long[i..], &short[j..]);
        let suffix = common_suffix(&long[..i], &short[..j]);
        if best_len < suffix + prefix {
            best_len = suffix + prefix;
            best = Some([
                &long[..i - suffix],
                &long[i + prefix..],
                &short[..j - suffix],
                &short[j + prefix..],
                // bestCommonA + bestCommonB are adjacent in `short`.
                &short[j - suffix..j + prefix],
            ]);
        }
        from = j + 1;
    }
    if best_len * 2 < long.len() {
        return None;
    }
    best
}

/// go-diff `DiffCleanupMerge`: merges adjacent edits, factors out their common prefix and suffix,
/// and slides single edits over neighbouring equalities.
fn cleanup_merge(mut diffs: Vec<Hunk>) -> Vec<Hunk> {
    diffs.push(hunk(Op::Equal, &[]));
    let mut pointer = 0usize;
    let (mut count_delete, mut count_insert) = (0usize, 0usize);
    let (mut text_delete, mut text_insert): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    while pointer < diffs.len() {
        match diffs[pointer].op {
            Op::Insert => {
                count_insert += 1;
                text_insert.extend_from_slice(&diffs[pointer].items);
                pointer += 1;
            }
            Op::Delete => {
                count_delete += 1;
                text_delete.extend_from_slice(&diffs[pointer].items);
                pointer += 1;
            }
            Op::Equal => {
                if count_delete + count_insert > 1 {
                    if count_delete != 0 && count_insert != 0 {
                        let common = common_prefix(&text_insert, &text_delete);
                        if common != 0 {
                            let x = pointer - count_delete - count_insert;
                            if x > 0 && diffs[x - 1].op == Op::Equal {
                                diffs[x - 1].items.extend_from_slice(&text_insert[..common]);
                            } else {
                                diffs.insert(0, hunk(Op::Equal, &text_insert[..common]));
                                pointer += 1;
                            }
                            text_insert.drain(..common);
                            text_delete.drain(..common);
                        }
                        let common = common_suffix(&text_insert, &text_delete);
                        if common != 0 {
                            let ii = text_insert.len() - common;
                            let di = text_delete.len() - common;
                            let mut items = text_insert[ii..].to_vec();
                            items.extend_from_slice(&diffs[pointer].items);
                            diffs[pointer].items = items;
                            text_insert.truncate(ii);
                            text_delete.truncate(di);
                        }
                    }
                    let start = pointer - count_delete - count_insert;
                    let mut merged = Vec::new();
                    if count_delete != 0 {
                        merged.push(hunk(Op::Delete, &text_delete));
                    }
                    if count_insert != 0 {
                        merged.push(hunk(Op::Insert, &text_insert));
                    }
                    diffs.splice(start..pointer, merged);
                    pointer = start + 1;
                    if count_delete != 0 {
                        pointer += 1;
                    }
                    if count_insert != 0 {
                        pointer += 1;
                    }
                } else if pointer != 0 && diffs[pointer - 1].op == Op::Equal {
                    let items = std::mem::take(&mut diffs[pointer].items);
                    diffs[pointer - 1].items.extend(items);
                    diffs.remove(pointer);
                } else {
                    pointer += 1;
                }
                count_insert = 0;
                count_delete = 0;
                text_delete.clear();
                text_insert.clear();
            }
        }
    }
    if diffs.last().is_some_and(|d| d.items.is_empty()) {
        diffs.pop();
    }
    if shift_single_edits(&mut diffs) {
        return cleanup_merge(diffs);
    }
    diffs
}

/// The second pass of `DiffCleanupMerge`: `A<ins>BA</ins>C` becomes `<ins>AB</ins>AC`.
fn shift_single_edits(diffs: &mut Vec<Hunk>) -> bool {
    let mut changes = false;
    let mut pointer = 1;
    while pointer + 1 < diffs.len() {
        if diffs[pointer - 1].op == Op::Equal && diffs[pointer + 1].op == Op::Equal {
            let prev = diffs[pointer - 1].items.clone();
            let next = diffs[pointer + 1].items.clone();
            let cur = &diffs[pointer].items;
            if cur.ends_with(&prev) {
                let mut shifted = prev.clone();
                shifted.extend_from_slice(&cur[..cur.len() - prev.len()]);
                diffs[pointer].items = shifted;
                let mut after = prev;
                after.extend_from_slice(&next);
                diffs[pointer + 1].items = after;
                diffs.remove(pointer - 1);
                changes = true;
            } else if cur.starts_with(&next) {
                let mut shifted = cur[next.len()..].to_vec();
                shifted.extend_from_slice(&next);
                diffs[pointer].items = shifted;
                diffs[pointer - 1].items.extend_from_slice(&next);
                diffs.remove(pointer + 1);
                changes = true;
            }
        }
        pointer += 1;
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    // Cases of KOTS's pkg/apparchive/diff_test.go (Test_diffContent, Test_diffAppFiles).
    #[test]
    fn kots_diff_content_cases() {
        let a = "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc234";
        let b = "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc235";
        assert_eq!(diff_content(a.as_bytes(), a.as_bytes()), (0, 0));
        assert_eq!(diff_content(b.as_bytes(), a.as_bytes()), (1, 1));
    }

    #[test]
    fn kots_diff_app_files_cases() {
        let two = "this is my file\nit has two lines";
        let three = "this is my file\nit has\nthree lines";
        let s = |f, a, r| DiffSummary {
            files_changed: f,
            lines_added: a,
            lines_removed: r,
        };
        let same = files(&[("my-file.txt", two)]);
        assert_eq!(kots_diff_summary(&same, &same), s(0, 0, 0));
        assert_eq!(kots_diff_summary(&files(&[]), &same), s(1, 2, 0));
        assert_eq!(kots_diff_summary(&same, &files(&[])), s(1, 0, 2));
        assert_eq!(
            kots_diff_summary(&files(&[("my-file.txt", three)]), &same),
            s(1, 1, 2)
        );
        let base = files(&[
            ("my-file.txt", three),
            (
                "my-other-file.txt",
                "this is my other file\nit has also has\nthree lines",
            ),
        ]);
        let archive = files(&[
            ("my-file.txt", two),
            (
                "my-other-file.txt",
                "this is my other file\nit has two lines",
            ),
        ]);
        assert_eq!(kots_diff_summary(&base, &archive), s(2, 2, 4));
    }

    #[test]
    fn scanner_stops_at_a_line_of_64_kib() {
        let long = "x".repeat(MAX_SCAN_TOKEN);
        let text = format!("a\n{long}\nb\n");
        let old = files(&[]);
        let new = files(&[("f", &text)]);
        assert_eq!(kots_diff_summary(&old, &new).lines_added, 1);
        let fits = "x".repeat(MAX_SCAN_TOKEN - 1);
        let new = files(&[("f", &format!("a\n{fits}\nb"))]);
        assert_eq!(kots_diff_summary(&old, &new).lines_added, 3);
    }

    #[test]
    fn half_match_makes_non_minimal_diffs_like_go_diff() {
        // A minimal diff adds 3 and removes 2 lines; go-diff (and so KOTS) counts 4 and 3.
        let old = "l0\nl0\nl1\nl0\nl0\nl1\nl1\n";
        let new = "l1\nl0\nl1\nl1\nl0\nl0\nl1\nl0\n";
        assert_eq!(diff_content(old.as_bytes(), new.as_bytes()), (4, 3));
    }

    /// `conformance/kots-diff/expected.jsonl` is what go-diff (the library KOTS uses) counts for
    /// every pair of `corpus.jsonl`; see `conformance/kots-diff/main.go` to regenerate it.
    #[test]
    fn matches_the_go_diff_oracle() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/kots-diff");
        let corpus = std::fs::read_to_string(format!("{dir}/corpus.jsonl")).unwrap();
        let expected = std::fs::read_to_string(format!("{dir}/expected.jsonl")).unwrap();
        let mut count = 0;
        for (case, want) in corpus.lines().zip(expected.lines()) {
            let case: serde_json::Value = serde_json::from_str(case).unwrap();
            let want: serde_json::Value = serde_json::from_str(want).unwrap();
            assert_eq!(case["name"], want["name"], "expected.jsonl is stale");
            let (base, updated) = (
                case["base"].as_str().unwrap(),
                case["updated"].as_str().unwrap(),
            );
            let got = diff_content(base.as_bytes(), updated.as_bytes());
            let want = (
                want["added"].as_u64().unwrap(),
                want["removed"].as_u64().unwrap(),
            );
            assert_eq!(got, want, "case {}", case["name"]);
            count += 1;
        }
        assert_eq!(count, corpus.lines().count());
        assert!(count > 100);
    }

    #[test]
    fn cleanup_merge_factors_common_affixes() {
        let diffs = vec![hunk(Op::Delete, &[1, 2, 3]), hunk(Op::Insert, &[1, 4, 3])];
        assert_eq!(
            cleanup_merge(diffs),
            vec![
                hunk(Op::Equal, &[1]),
                hunk(Op::Delete, &[2]),
                hunk(Op::Insert, &[4]),
                hunk(Op::Equal, &[3]),
            ]
        );
        // go-diff TestDiffCleanupMerge "Slide edit left": a<ins>ba</ins>c → <ins>ab</ins>ac
        let diffs = vec![
            hunk(Op::Equal, &[1]),
            hunk(Op::Insert, &[2, 1]),
            hunk(Op::Equal, &[3]),
        ];
        assert_eq!(
            cleanup_merge(diffs),
            vec![hunk(Op::Insert, &[1, 2]), hunk(Op::Equal, &[1, 3])]
        );
    }
}
