//! `kots registry` with a docker config whose credential helper never answers: killed after
//! `--helper-timeout` (no registry needed: the helper runs before the first request).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn helper_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("registry-helper-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let helper = dir.join("docker-credential-kotsclislow");
    std::fs::write(&helper, "#!/bin/sh\nexec sleep 30\n").unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.join("config.json"), r#"{"credsStore":"kotsclislow"}"#).unwrap();
    dir
}

fn digest(dir: &Path, timeout: &str) -> std::process::Output {
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(env!("CARGO_BIN_EXE_kots"))
        .args([
            "registry",
            "digest",
            "127.0.0.1:1/kots-test/app:1",
            "--retries",
            "0",
        ])
        .arg("--docker-config")
        .arg(dir.join("config.json"))
        .arg(format!("--helper-timeout={timeout}"))
        .env("PATH", path)
        .output()
        .expect("run kots")
}

#[test]
fn a_silent_credential_helper_is_killed_after_the_timeout() {
    let dir = helper_dir();
    let started = Instant::now();
    let out = digest(&dir, "0.3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("did not answer within 300ms"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10));
    for bad in ["0", "-1", "NaN", "soon"] {
        let out = digest(&dir, bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("positive number of seconds"),
            "{bad}: {stderr}"
        );
    }
}
