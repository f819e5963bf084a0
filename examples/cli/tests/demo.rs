//! `kots demo` end to end: the real binary, run from an unrelated folder, on the embedded sample.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A fresh, empty folder for one run (under cargo's per-target temp folder).
fn fresh_dir(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run(args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_kots"))
        .arg("demo")
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run kots demo");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

fn line<'a>(stdout: &'a str, step: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(step))
        .unwrap_or_else(|| panic!("no {step:?} line in:\n{stdout}"))
}

#[test]
fn demo_prints_one_line_per_step_with_its_figures() {
    let dir = fresh_dir("lines");
    let (stdout, stderr, code) = run(&["--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "stderr: {stderr}\nstdout: {stdout}");
    assert!(line(&stdout, "sign").contains("3 entitlements"));
    let verify = line(&stdout, "verify");
    assert!(
        verify.contains("ed25519 signature valid (key acme-vendor-2026)"),
        "{verify}"
    );
    assert!(verify.contains("seats=250"), "{verify}");
    assert!(
        verify.contains("verifies to the signed seats=250 with 1 warning, strict mode refuses it"),
        "{verify}"
    );
    let gate = line(&stdout, "gate");
    assert!(
        gate.contains("install on KOTS 1.117.3: allowed (compatible"),
        "{gate}"
    );
    assert!(
        gate.contains("KOTS 1.99.0 would be blocked (belowMinKotsVersion)"),
        "{gate}"
    );
    let config = line(&stdout, "config");
    assert!(config.contains("4 groups, 9 items"), "{config}");
    assert!(config.contains("hidden items: tls_cert"), "{config}");
    assert!(
        config.contains("0 required missing, 0 validation errors"),
        "{config}"
    );
    assert!(config.contains("Use a lowercase DNS name"), "{config}");
    let v1 = stdout.lines().find(|l| l.contains(" render v1 ")).unwrap();
    assert!(
        v1.contains("9 documents (Deployment 2, Ingress 1, Secret 3, Service 2, StatefulSet 1)"),
        "{v1}"
    );
    assert!(
        v1.contains("redis 18.1.0 as release cache from redis-18.1.0.tgz"),
        "{v1}"
    );
    let images = line(&stdout, "images");
    assert!(
        images.contains("4 images -> registry.customer.example/acme"),
        "{images}"
    );
    assert!(images.contains("4 image fields rewritten"), "{images}");
    assert!(
        images.contains("acme/notes-web:1.4.0 -> registry.customer.example/acme/notes-web:1.4.0"),
        "{images}"
    );
    assert!(
        images.contains("same as render_release with the registry configured: yes"),
        "{images}"
    );
    let v2 = stdout.lines().find(|l| l.contains(" render v2 ")).unwrap();
    assert!(
        v2.contains("8 documents (ConfigMap 1, Deployment 2, Ingress 1, Secret 3, Service 1)"),
        "{v2}"
    );
    assert!(
        v2.contains("update gate on KOTS 1.117.3: allowed (minKotsVersion 1.110.0)"),
        "{v2}"
    );
    let plan = line(&stdout, "plan");
    assert!(
        plan.contains("2 create, 2 update, 0 replace, 3 delete, 0 orphan, 4 noop; 1 refused"),
        "{plan}"
    );
    assert!(stdout.contains("create: ConfigMap/feature-flags (benign); Deployment/jobs (benign)"));
    assert!(stdout.contains("delete: Deployment/worker (availability); Service/postgres (availability); StatefulSet/postgres (data)"));
    let refused = stdout.lines().find(|l| l.contains("REFUSED")).unwrap();
    assert!(
        refused.contains("delete StatefulSet.apps/acme-notes/postgres (data)"),
        "{refused}"
    );
    assert!(refused.contains("allowDataLoss"), "{refused}");
    assert!(refused.contains("data-postgres-0"), "{refused}");

    // The files the lines name are there, and the private render only names the private registry.
    for file in [
        "keys/vendor.pem",
        "keys/vendor.pub.pem",
        "license.yaml",
        "rendered/v1.yaml",
        "rendered/v2.yaml",
        "plan.json",
        "plan.txt",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let private = std::fs::read_to_string(dir.join("rendered/v1-private.yaml")).unwrap();
    let images: Vec<&str> = private
        .lines()
        .filter_map(|l| l.trim().strip_prefix("image: "))
        .collect();
    assert_eq!(images.len(), 4);
    assert!(
        images
            .iter()
            .all(|i| i.starts_with("registry.customer.example/acme/")),
        "{images:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_json_summarises_every_step() {
    let dir = fresh_dir("json");
    let (stdout, stderr, code) = run(&["--json", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    let steps = summary["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "key",
            "sign",
            "verify",
            "gate",
            "config",
            "render v1",
            "images",
            "render v2",
            "plan"
        ]
    );
    let plan = &steps[8]["figures"];
    assert_eq!(plan["summary"]["refused"], 1);
    assert_eq!(
        plan["refused"][0]["key"],
        "StatefulSet.apps/acme-notes/postgres"
    );
    assert_eq!(
        plan["refused"][0]["dataLoss"]["pvcs"][0]["name"],
        "data-postgres-0"
    );
    assert_eq!(steps[6]["figures"]["fieldsRewritten"], 4);
    assert_eq!(steps[3]["figures"]["decision"]["allowed"], true);
    assert_eq!(
        steps[3]["figures"]["olderKots"]["decision"]["allowed"],
        false
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_refuses_a_folder_that_is_not_empty() {
    let dir = fresh_dir("busy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    let (stdout, stderr, code) = run(&["--out", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("kots: ") && stderr.contains("not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
