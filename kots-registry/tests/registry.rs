//! Tests against real local registries started by `scripts/registry-test-env.sh run ...`:
//! KOTS_TEST_REGISTRY_PLAIN / _PLAIN2 (plain HTTP) and KOTS_TEST_REGISTRY_TLS (HTTPS + htpasswd).
//! Without those variables every test prints why and passes without checking anything.

use std::path::Path;
use std::sync::{Arc, Mutex};

use kots_registry::blocking::Registry;
use kots_registry::{
    sha256_digest, Auth, BlobOutcome, Cancel, Credentials, DockerConfig, ImageRef, Platform,
    Progress, ProgressEvent, RegistryError, RegistryOptions, TransferOptions, OCI_INDEX,
    OCI_MANIFEST,
};

struct Env {
    plain: String,
    plain2: String,
    tls: String,
    ca: String,
    user: String,
    password: String,
}

fn env(test: &str) -> Option<Env> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (
        get("KOTS_TEST_REGISTRY_PLAIN"),
        get("KOTS_TEST_REGISTRY_PLAIN2"),
        get("KOTS_TEST_REGISTRY_TLS"),
        get("KOTS_TEST_REGISTRY_CA"),
    ) {
        (Some(plain), Some(plain2), Some(tls), Some(ca)) => Some(Env {
            plain,
            plain2,
            tls,
            ca,
            user: get("KOTS_TEST_REGISTRY_USER").unwrap_or_default(),
            password: get("KOTS_TEST_REGISTRY_PASSWORD").unwrap_or_default(),
        }),
        _ => {
            eprintln!(
                "SKIP {test}: KOTS_TEST_REGISTRY_* not set; run under scripts/registry-test-env.sh run (needs docker-registry)"
            );
            None
        }
    }
}

fn client(e: &Env) -> Registry {
    Registry::new(RegistryOptions {
        auth: Auth::default().with(e.tls.clone(), Credentials::basic(&e.user, &e.password)),
        ca_file: Some(e.ca.clone().into()),
        ..Default::default()
    })
    .unwrap()
}

fn unique(name: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "kots-test/{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn r(s: &str) -> ImageRef {
    s.parse().unwrap()
}

/// Deterministic pseudo-random bytes (xorshift), so layers are distinct and incompressible.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn put_blob(dir: &Path, data: &[u8]) -> serde_json::Value {
    let d = sha256_digest(data);
    std::fs::write(dir.join("blobs/sha256").join(&d[7..]), data).unwrap();
    serde_json::json!({"digest": d, "size": data.len()})
}

fn desc(media_type: &str, blob: serde_json::Value) -> serde_json::Value {
    let mut d = blob;
    d["mediaType"] = media_type.into();
    d
}

/// A two-platform OCI image layout named `tag`: linux/amd64 and linux/arm64/v8 images sharing one layer.
/// Returns (index digest, [amd64 digest, arm64 digest], total distinct blob bytes).
fn build_layout(dir: &Path, tag: &str, layer_size: usize, seed: u64) -> (String, Vec<String>, u64) {
    std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let layer = "application/vnd.oci.image.layer.v1.tar";
    let shared = put_blob(dir, &noise(seed, layer_size));
    let mut total = layer_size as u64;
    let mut entries = Vec::new();
    let mut digests = Vec::new();
    for (i, (arch, variant)) in [("amd64", None), ("arm64", Some("v8"))]
        .into_iter()
        .enumerate()
    {
        let own = noise(seed + 1 + i as u64, layer_size / 2 + i);
        let own_desc = put_blob(dir, &own);
        // Key order and spacing deliberately non-canonical: a copy must keep the exact bytes.
        let config = format!(
            r#"{{"architecture":"{arch}", "os":"linux","rootfs":{{"type":"layers","diff_ids":[]}},"config":{{}}}}"#
        );
        let config_desc = put_blob(dir, config.as_bytes());
        total += own.len() as u64 + config.len() as u64;
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": desc("application/vnd.oci.image.config.v1+json", config_desc),
            "layers": [desc(layer, shared.clone()), desc(layer, own_desc)],
        });
        let text = format!("{}\n", serde_json::to_string_pretty(&manifest).unwrap());
        let mdesc = put_blob(dir, text.as_bytes());
        digests.push(mdesc["digest"].as_str().unwrap().to_string());
        let mut entry = desc(OCI_MANIFEST, mdesc);
        entry["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        if let Some(v) = variant {
            entry["platform"]["variant"] = v.into();
        }
        entries.push(entry);
    }
    let index =
        serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries});
    let index_text = serde_json::to_string(&index).unwrap();
    let idesc = put_blob(dir, index_text.as_bytes());
    let mut top = desc(OCI_INDEX, idesc.clone());
    top["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_string(&serde_json::json!({"schemaVersion": 2, "manifests": [top]}))
            .unwrap(),
    )
    .unwrap();
    (
        idesc["digest"].as_str().unwrap().to_string(),
        digests,
        total,
    )
}

fn all() -> TransferOptions {
    TransferOptions {
        all_platforms: true,
        ..Default::default()
    }
}

/// Push a fresh two-platform image to the plain registry; returns (reference, index digest, child digests).
fn seeded(e: &Env, reg: &Registry, name: &str) -> (String, String, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let (index, children, _) = build_layout(tmp.path(), "1.0", 64 * 1024, name.len() as u64);
    let repo = format!("{}/{}", e.plain, unique(name));
    let reports = reg
        .push_layout(tmp.path(), &r(&repo), &TransferOptions::default())
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].digest, index);
    (format!("{repo}:1.0"), index, children)
}

#[test]
fn push_layout_then_copy_preserves_every_digest() {
    let Some(e) = env("push_layout_then_copy_preserves_every_digest") else {
        return;
    };
    let reg = client(&e);
    let tmp = tempfile::tempdir().unwrap();
    let (index, children, total) = build_layout(tmp.path(), "1.0", 300 * 1024, 7);
    let repo = format!("{}/{}", e.plain, unique("layout"));
    let events: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = events.clone();
    let opts = TransferOptions {
        progress: Some(Arc::new(move |p: &Progress| {
            sink.lock().unwrap().push(p.clone())
        })),
        ..Default::default()
    };
    let reports = reg.push_layout(tmp.path(), &r(&repo), &opts).unwrap();
    assert_eq!(reports[0].digest, index);
    assert_eq!(reports[0].manifests, 3);
    assert_eq!(reports[0].blobs_copied, 5, "shared layer pushed once");
    assert_eq!(reports[0].bytes_copied, total);
    let last = events.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (
            last.bytes_done,
            last.bytes_total,
            last.blobs_done,
            last.blobs_total
        ),
        (total, total, 5, 5)
    );

    let src = format!("{repo}:1.0");
    assert_eq!(reg.digest(&r(&src), &Cancel::new()).unwrap(), index);
    for child in &children {
        assert_eq!(
            reg.digest(&r(&format!("{repo}@{child}")), &Cancel::new())
                .unwrap(),
            *child
        );
    }

    // Across registries, to the TLS one with basic auth, and back to the second plain one.
    for dst in [
        format!("{}/{}:2.0", e.tls, unique("copy")),
        format!("{}/{}:1.0", e.plain2, unique("copy")),
    ] {
        let report = reg.copy(&r(&src), &r(&dst), &all()).unwrap();
        assert_eq!(report.digest, index, "{dst}");
        assert_eq!(report.blobs_copied, 5);
        assert_eq!(reg.digest(&r(&dst), &Cancel::new()).unwrap(), index);
        let dst_ref = r(&dst);
        for child in &children {
            assert_eq!(
                reg.digest(&dst_ref.with_digest(child), &Cancel::new())
                    .unwrap(),
                *child
            );
        }
        // Copying again transfers nothing.
        let again = reg.copy(&r(&src), &dst_ref, &all()).unwrap();
        assert_eq!(
            (again.blobs_copied, again.blobs_existing, again.bytes_copied),
            (0, 5, 0)
        );
        skopeo_check(&e, &dst, &index);
    }
}

/// `skopeo inspect --raw` must see the same bytes (optional tool).
fn skopeo_check(e: &Env, image: &str, digest: &str) {
    let Ok(out) = std::process::Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false"])
        .args(if image.starts_with(&e.tls) {
            vec![format!("--creds={}:{}", e.user, e.password)]
        } else {
            vec![]
        })
        .arg(format!("docker://{image}"))
        .output()
    else {
        eprintln!("skopeo not installed: skipping the skopeo cross-check");
        return;
    };
    assert!(
        out.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sha256_digest(&out.stdout),
        digest,
        "skopeo inspect --raw of {image}"
    );
}

#[test]
fn single_platform_copy_and_mount() {
    let Some(e) = env("single_platform_copy_and_mount") else {
        return;
    };
    let reg = client(&e);
    let (src, _index, children) = seeded(&e, &reg, "single");
    let dst = format!("{}/{}:arm", e.plain, unique("mounted"));
    let opts = TransferOptions {
        platform: Some("linux/arm64".parse::<Platform>().unwrap()),
        ..Default::default()
    };
    let report = reg.copy(&r(&src), &r(&dst), &opts).unwrap();
    assert_eq!(report.digest, children[1], "the arm64 image itself");
    assert_eq!(report.manifests, 1);
    assert_eq!(
        (report.blobs_mounted, report.blobs_copied),
        (3, 0),
        "same registry: mounted, not copied"
    );
    assert_eq!(reg.digest(&r(&dst), &Cancel::new()).unwrap(), children[1]);

    let missing = TransferOptions {
        platform: Some("windows/amd64".parse().unwrap()),
        ..Default::default()
    };
    let err = reg.copy(&r(&src), &r(&dst), &missing).unwrap_err();
    assert!(
        matches!(err, RegistryError::PlatformNotFound { .. }),
        "{err}"
    );
}

#[test]
fn tags_existence_and_privacy() {
    let Some(e) = env("tags_existence_and_privacy") else {
        return;
    };
    let reg = client(&e);
    let (src, index, _) = seeded(&e, &reg, "tags");
    let tls_repo = format!("{}/{}", e.tls, unique("private"));
    reg.copy(&r(&src), &r(&format!("{tls_repo}:a")), &all())
        .unwrap();
    reg.copy(&r(&src), &r(&format!("{tls_repo}:b")), &all())
        .unwrap();
    let mut tags = reg.list_tags(&r(&tls_repo), &Cancel::new()).unwrap();
    tags.sort();
    assert_eq!(tags, ["a", "b"]);

    let c = Cancel::new();
    assert!(reg.exists(&r(&src), &c).unwrap());
    assert!(!reg.exists(&r(&format!("{src}-missing")), &c).unwrap());
    assert!(reg.exists(&r(&format!("{tls_repo}@{index}")), &c).unwrap());

    let public = reg.probe_private(&r(&src), &c).unwrap();
    assert!(!public.private, "{public:?}");
    let private = reg.probe_private(&r(&format!("{tls_repo}:a")), &c).unwrap();
    assert!(private.private);
    assert!(private.reason.unwrap().contains("401"));
    // KOTS: any failure, a missing image included, means private.
    assert!(
        reg.probe_private(&r(&format!("{src}-missing")), &c)
            .unwrap()
            .private
    );
}

#[test]
fn errors_name_registry_repository_and_status() {
    let Some(e) = env("errors_name_registry_repository_and_status") else {
        return;
    };
    let anonymous = Registry::new(RegistryOptions {
        ca_file: Some(e.ca.clone().into()),
        ..Default::default()
    })
    .unwrap();
    let repo = unique("denied");
    let err = anonymous
        .digest(&r(&format!("{}/{repo}:1", e.tls)), &Cancel::new())
        .unwrap_err();
    assert_eq!(err.http_status(), Some(401), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&e.tls) && text.contains(&repo) && text.contains("HTTP 401"),
        "{text}"
    );

    let wrong = Registry::new(RegistryOptions {
        auth: Auth::default().with(e.tls.clone(), Credentials::basic(&e.user, "wrong")),
        ca_file: Some(e.ca.clone().into()),
        ..Default::default()
    })
    .unwrap();
    let err = wrong
        .digest(&r(&format!("{}/{repo}:1", e.tls)), &Cancel::new())
        .unwrap_err();
    assert_eq!(err.http_status(), Some(401), "{err}");

    // Without the CA the TLS registry is not trusted, and the error says so (no silent plain-HTTP fallback).
    let no_ca = Registry::new(RegistryOptions::default()).unwrap();
    let err = no_ca
        .digest(&r(&format!("{}/{repo}:1", e.tls)), &Cancel::new())
        .unwrap_err();
    assert!(matches!(err, RegistryError::Connection { .. }), "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");

    let reg = client(&e);
    let err = reg
        .digest(&r(&format!("{}/{repo}:nope", e.plain)), &Cancel::new())
        .unwrap_err();
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("{}, repository {repo}: HTTP 404", e.plain)),
        "{err}"
    );
}

#[test]
fn docker_config_credentials() {
    let Some(e) = env("docker_config_credentials") else {
        return;
    };
    let config = format!(
        r#"{{"auths":{{"{}":{{"auth":"{}"}}}}}}"#,
        e.tls,
        base64_encode(&format!("{}:{}", e.user, e.password))
    );
    let reg = Registry::new(RegistryOptions {
        auth: Auth::default().with_docker_config(DockerConfig::parse(&config).unwrap()),
        ca_file: Some(e.ca.clone().into()),
        ..Default::default()
    })
    .unwrap();
    let (src, index, _) = seeded(&e, &reg, "dockercfg");
    let dst = format!("{}/{}:1", e.tls, unique("dockercfg"));
    assert_eq!(reg.copy(&r(&src), &r(&dst), &all()).unwrap().digest, index);
}

fn base64_encode(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn export_layout_round_trip() {
    let Some(e) = env("export_layout_round_trip") else {
        return;
    };
    let reg = client(&e);
    let (src, index, children) = seeded(&e, &reg, "export");
    let out = tempfile::tempdir().unwrap();
    let report = reg.export_layout(&r(&src), out.path(), &all()).unwrap();
    assert_eq!(report.digest, index);
    let idx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("index.json")).unwrap()).unwrap();
    assert_eq!(idx["manifests"][0]["digest"], index.as_str());
    assert_eq!(
        idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "1.0"
    );
    for d in children.iter().chain([&index]) {
        let bytes = std::fs::read(out.path().join("blobs/sha256").join(&d[7..])).unwrap();
        assert_eq!(sha256_digest(&bytes), *d);
    }
    // And back into another registry.
    let dst = format!("{}/{}", e.plain2, unique("reimport"));
    let reports = reg
        .push_layout(out.path(), &r(&dst), &TransferOptions::default())
        .unwrap();
    assert_eq!(reports[0].digest, index);
    assert_eq!(
        reg.digest(&r(&format!("{dst}:1.0")), &Cancel::new())
            .unwrap(),
        index
    );
}

#[test]
fn corrupt_layout_blob_is_rejected() {
    let Some(e) = env("corrupt_layout_blob_is_rejected") else {
        return;
    };
    let reg = client(&e);
    let tmp = tempfile::tempdir().unwrap();
    let (_index, _children, _) = build_layout(tmp.path(), "1.0", 4096, 99);
    // Flip a byte of the shared 4096-byte layer.
    let blobs = tmp.path().join("blobs/sha256");
    let layer = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::metadata(p).unwrap().len() == 4096)
        .unwrap();
    let mut bytes = std::fs::read(&layer).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&layer, bytes).unwrap();
    let err = reg
        .push_layout(
            tmp.path(),
            &r(&format!("{}/{}", e.plain, unique("corrupt"))),
            &TransferOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Layout { .. }), "{err}");
    assert!(err.to_string().contains("hashing to"), "{err}");
}

#[test]
fn cancellation_stops_a_copy() {
    let Some(e) = env("cancellation_stops_a_copy") else {
        return;
    };
    let reg = client(&e);
    let (src, _, _) = seeded(&e, &reg, "cancel");
    let cancel = Cancel::new();
    cancel.cancel();
    let opts = TransferOptions { cancel, ..all() };
    let err = reg
        .copy(
            &r(&src),
            &r(&format!("{}/{}:1", e.plain2, unique("cancel"))),
            &opts,
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Cancelled), "{err}");

    // Cancelled from the progress callback after the first blob.
    let cancel = Cancel::new();
    let c2 = cancel.clone();
    let done = Arc::new(Mutex::new(0u32));
    let d2 = done.clone();
    let opts = TransferOptions {
        cancel,
        progress: Some(Arc::new(move |p: &Progress| {
            if let ProgressEvent::BlobDone {
                how: BlobOutcome::Copied,
                ..
            } = p.event
            {
                *d2.lock().unwrap() += 1;
                c2.cancel();
            }
        })),
        ..all()
    };
    let err = reg
        .copy(
            &r(&src),
            &r(&format!("{}/{}:1", e.plain2, unique("cancel"))),
            &opts,
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Cancelled), "{err}");
    assert!(*done.lock().unwrap() < 5);
}
