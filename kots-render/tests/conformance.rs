//! Conformance with KOTS's own pull and base test cases (`../shared/testdata/kots`): every case's
//! rendered objects must equal KOTS's expected objects, compared as a set of parsed YAML objects
//! keyed by (apiVersion, kind, namespace, name). Cases or files that need Helm chart templating
//! are reported as skipped with the reason. Without the test data, the test says so and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kots_core::license::{License, Verifier};
use kots_core::manifest::{parse_values, Limits};
use kots_render::functions::RegistrySettings;
use kots_render::release::{render_release, Finishing, Release, RenderOptions, Rendered};
use serde_json::Value;

type Key = (String, String, String, String);

fn testdata() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/kots");
    dir.is_dir().then_some(dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every document of a YAML text, as Kubernetes types it.
fn documents(text: &str) -> Vec<Value> {
    parse_values(text, &Limits::default())
        .unwrap_or_else(|e| panic!("unparseable expected YAML: {e}"))
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
        .collect()
}

fn key(v: &Value) -> Key {
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (
        s("/apiVersion"),
        s("/kind"),
        s("/metadata/namespace"),
        s("/metadata/name"),
    )
}

fn keyed(values: Vec<Value>) -> BTreeMap<Key, Vec<Value>> {
    let mut out: BTreeMap<Key, Vec<Value>> = BTreeMap::new();
    for v in values {
        out.entry(key(&v)).or_default().push(v);
    }
    out
}

fn verified_license(upstream: &Path) -> License {
    let text = read(&upstream.join("userdata/license.yaml"));
    Verifier::new()
        .verify_yaml(&text)
        .expect("test license verifies")
        .license
}

fn field<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    doc.pointer(path)
}

fn string(doc: &Value, path: &str) -> String {
    field(doc, path)
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default()
}

/// Compares objects as sets; returns a description of every difference.
fn compare(case: &str, got: Vec<Value>, want: Vec<Value>) -> Vec<String> {
    let (got, want) = (keyed(got), keyed(want));
    let mut problems = Vec::new();
    for (k, w) in &want {
        match got.get(k) {
            None => problems.push(format!("{case}: missing {k:?}")),
            Some(g) if g.len() != w.len() || w.iter().any(|x| !g.contains(x)) => {
                problems.push(format!(
                    "{case}: {k:?} differs:\n  got:  {}\n  want: {}",
                    serde_json::to_string(g).unwrap_or_default(),
                    serde_json::to_string(w).unwrap_or_default()
                ))
            }
            Some(_) => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("{case}: unexpected {k:?}"));
    }
    problems
}

fn objects(rendered: &Rendered) -> Vec<Value> {
    rendered
        .objects
        .iter()
        .map(|o| o.object.clone().into_value())
        .collect()
}

/// A pull case: the objects of `wantResults/rendered/this-cluster/*.yaml`.
fn pull_case(dir: &Path, skipped: &mut Vec<String>) -> Vec<String> {
    let case = dir.file_name().unwrap().to_string_lossy().to_string();
    let testcase = documents(&read(&dir.join("testcase.yaml"))).remove(0);
    let upstream = dir.join("upstream");
    let release = Release::from_dir(&upstream).expect("release reads");
    let license = verified_license(&upstream);
    let mut options = RenderOptions {
        namespace: string(&testcase, "/PullOptions/Namespace"),
        ..RenderOptions::default()
    };
    if field(&testcase, "/PullOptions/RewriteImages") == Some(&Value::Bool(true)) {
        let o = "/PullOptions/RewriteImageOptions";
        options.registry = RegistrySettings {
            hostname: string(&testcase, &format!("{o}/Hostname")),
            namespace: string(&testcase, &format!("{o}/Namespace")),
            username: string(&testcase, &format!("{o}/Username")),
            password: string(&testcase, &format!("{o}/Password")),
            is_read_only: field(&testcase, &format!("{o}/IsReadOnly")) == Some(&Value::Bool(true)),
        };
    }
    let rendered = match render_release(&release, Some(&license), None, &options) {
        Ok(r) => r,
        Err(e) => return vec![format!("{case}: render failed: {e}")],
    };
    let mut problems = kots_kinds_case(&case, dir, &rendered, skipped);
    let want_dir = dir.join("wantResults/rendered/this-cluster");
    if !want_dir.is_dir() {
        // KOTS stops before rendering: the case expects "version needs config".
        if rendered.summary.needs_config.is_empty() {
            problems.push(format!("{case}: expected required config to be missing"));
        } else if !rendered.objects.is_empty() {
            problems.push(format!(
                "{case}: objects rendered although config is needed"
            ));
        }
        return problems;
    }
    let mut want = Vec::new();
    for entry in std::fs::read_dir(&want_dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            skipped.push(format!(
                "{case}/{}: Helm chart templating (v1beta2 chart output) is out of scope",
                path.strip_prefix(dir).unwrap().display()
            ));
        } else {
            want.extend(documents(&read(&path)));
        }
    }
    problems.extend(compare(&case, objects(&rendered), want));
    problems
}

/// The rendered KOTS kinds (`wantResults/kotsKinds/*.yaml`), file by file. Files KOTS extracts
/// from Helm chart templates are skipped (chart templating is out of scope).
fn kots_kinds_case(
    case: &str,
    dir: &Path,
    rendered: &Rendered,
    skipped: &mut Vec<String>,
) -> Vec<String> {
    let want_dir = dir.join("wantResults/kotsKinds");
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(&want_dir) else {
        return problems;
    };
    for path in entries.flatten().map(|e| e.path()).filter(|p| p.is_file()) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match rendered.kots_kinds.iter().find(|f| f.path == name) {
            None => skipped.push(format!(
                "{case}/kotsKinds/{name}: no release file of that name (KOTS extracts it from Helm chart templates)"
            )),
            Some(file) => {
                let label = format!("{case}/kotsKinds/{name}");
                problems.extend(compare(&label, documents(&file.content), documents(&read(&path))));
            }
        }
    }
    problems
}

/// A base case: the files of `base/` (templates applied, before kustomize).
fn base_case(dir: &Path) -> Vec<String> {
    let case = dir.file_name().unwrap().to_string_lossy().to_string();
    let testcase = documents(&read(&dir.join("testcase.yaml"))).remove(0);
    let upstream = dir.join("upstream");
    let release = Release::from_dir(&upstream).expect("release reads");
    let license = verified_license(&upstream);
    let options = RenderOptions {
        sequence: field(&testcase, "/RenderOptions/Sequence")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        airgap: field(&testcase, "/RenderOptions/IsAirgap") == Some(&Value::Bool(true)),
        cursor: string(&testcase, "/Upstream/UpdateCursor"),
        channel_name: string(&testcase, "/Upstream/ChannelName"),
        version_label: string(&testcase, "/Upstream/VersionLabel"),
        release_notes: string(&testcase, "/Upstream/ReleaseNotes"),
        finishing: Finishing {
            pull_secrets: false,
            image_pull_secrets: false,
            app_slug_labels: false,
            backup_label: false,
            rewrite_images: false,
        },
        ..RenderOptions::default()
    };
    let rendered = match render_release(&release, Some(&license), None, &options) {
        Ok(r) => r,
        Err(e) => return vec![format!("{case}: render failed: {e}")],
    };
    let mut problems = Vec::new();
    // The rendered Config KOTS wrote for this case.
    let config = std::fs::read_to_string(dir.join("kotsKinds/config.yaml"));
    let ours = rendered.kots_kinds.iter().find(|f| f.path == "config.yaml");
    if let (Ok(want), Some(file)) = (config, ours) {
        let label = format!("{case}/kotsKinds/config.yaml");
        problems.extend(compare(&label, documents(&file.content), documents(&want)));
    }
    let mut want = Vec::new();
    let mut pending = vec![dir.join("base")];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|n| n != "kustomization.yaml") {
                want.extend(documents(&read(&path)));
            }
        }
    }
    problems.extend(compare(&case, objects(&rendered), want));
    problems
}

fn cases(root: &Path, kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(kind))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

#[test]
fn comparison_detects_differences() {
    let a = documents("apiVersion: v1\nkind: A\nmetadata: {name: x}\ndata: {k: '1'}\n");
    let b = documents("apiVersion: v1\nkind: A\nmetadata: {name: x}\ndata: {k: '2'}\n");
    assert!(compare("t", a.clone(), a.clone()).is_empty());
    assert_eq!(compare("t", a.clone(), b).len(), 1);
    assert_eq!(compare("t", a, Vec::new()).len(), 1);
}

#[test]
fn kots_test_cases_render_as_kots_renders_them() {
    let Some(root) = testdata() else {
        eprintln!("SKIPPED: ../shared/testdata/kots is absent; no conformance case ran");
        return;
    };
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut passed = 0;
    for dir in cases(&root, "pull-cases") {
        let found = pull_case(&dir, &mut skipped);
        passed += usize::from(found.is_empty());
        problems.extend(found);
    }
    for dir in cases(&root, "base-cases") {
        let found = base_case(&dir);
        passed += usize::from(found.is_empty());
        problems.extend(found);
    }
    for s in &skipped {
        eprintln!("SKIPPED: {s}");
    }
    eprintln!(
        "conformance: {passed} cases passed, {} problems",
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
