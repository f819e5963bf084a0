//! A vendor's own flow from a shell: `kots license keygen`, `kots license sign`, then
//! `kots render --trust-key` renders with the signed (ed25519) license.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kots(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kots"))
        .args(args)
        .output()
        .expect("run kots")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn fresh_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("license-render-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("release")).unwrap();
    dir
}

#[test]
fn render_trusts_a_vendor_ed25519_key() {
    let dir = fresh_dir();
    std::fs::write(
        dir.join("unsigned.yaml"),
        "apiVersion: kots.io/v1beta2\nkind: License\nmetadata: {name: l}\n\
         spec: {appSlug: my-app, licenseID: abc, customerName: Globex}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("release/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n\
         data: {who: '{{repl LicenseFieldValue \"customerName\" }}'}\n",
    )
    .unwrap();
    let keys = dir.join("keys");
    assert!(kots(&["license", "keygen", "--out", path_str(&keys)])
        .status
        .success());
    let public = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().contains("pub"))
        .expect("a public key file");
    let private = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p != &public)
        .expect("a private key file");
    let signed = kots(&[
        "license",
        "sign",
        "--key",
        path_str(&private),
        "--key-id",
        "vendor-1",
        path_str(&dir.join("unsigned.yaml")),
    ]);
    assert!(signed.status.success());
    std::fs::write(dir.join("license.yaml"), &signed.stdout).unwrap();

    let release = dir.join("release");
    let license = dir.join("license.yaml");
    let base = [
        "render",
        path_str(&release),
        "--license",
        path_str(&license),
    ];
    let untrusted = kots(&base);
    assert!(
        !untrusted.status.success(),
        "an unknown key id must be refused"
    );
    assert!(String::from_utf8_lossy(&untrusted.stderr).contains("vendor-1"));

    let trust = format!("vendor-1={}", path_str(&public));
    let rendered = kots(&[&base[..], &["--trust-key", &trust]].concat());
    let stdout = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(stdout.contains("who: Globex"), "{stdout}");
}
