//! `kots license verify|keygen|sign`: check a KOTS (RSA) or vendor-issued (ed25519) license offline,
//! make an ed25519 signing key, sign a license.
//!
//! `verify` prints one JSON line `{valid, version, appSlug, licenseID, customerName, channels,
//! entitlements, expired, expiresAt, warnings, error, scheme, keyId}` and exits 0 only when the
//! signature is valid (1 otherwise). The license fields are the **signed** values, and are null when
//! the license is not valid. Expiry does not change the exit code: read `expired`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kots_core::license::{
    generate_ed25519_key, sign_license, Ed25519PrivateKey, Ed25519PublicKey, FieldMismatch,
    License, LicenseError, Timestamp, VerifiedLicense, Verifier,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::output::{print_json, read_file, CliError};

/// File names written by `keygen`.
const PRIVATE_KEY_FILE: &str = "license-signing.key";
const PUBLIC_KEY_FILE: &str = "license-signing.pub.pem";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Verify a license's signature offline and print its signed data as JSON (exit 1: not valid).
    Verify(VerifyArgs),
    /// Write a new ed25519 signing key (PKCS#8 PEM) and its public key (SPKI PEM) into DIR.
    Keygen(KeygenArgs),
    /// Sign an unsigned License YAML with an ed25519 key; prints the signed YAML.
    Sign(SignArgs),
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The license file (YAML or JSON).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Trust this RSA public key (PEM file) for every globalKeyId, as KOTS's custom key; repeatable.
    /// KOTS's three embedded global keys stay trusted.
    #[arg(long, value_name = "PEM")]
    trust_global_key: Vec<PathBuf>,
    /// Trust an ed25519 public key (SPKI PEM file) under a key id; repeatable.
    #[arg(long, value_name = "ID=ED25519_PUBLIC_KEY_FILE")]
    trust_key: Vec<String>,
    /// Evaluate expiry at this instant instead of now (RFC 3339, e.g. 2026-01-01T00:00:00Z).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Treat any outer field that differs from the signed data as a failure.
    #[arg(long)]
    strict: bool,
}

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// Directory to write the key files into (created if missing; existing key files are not overwritten).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct SignArgs {
    /// The ed25519 private key (PKCS#8 PEM, as written by `kots license keygen`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The key id recorded in the signature, by which verifiers pick the public key.
    #[arg(long, value_name = "ID")]
    key_id: String,
    /// The license to sign.
    #[arg(value_name = "LICENSE.yaml")]
    license: PathBuf,
}

pub fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Verify(args) => verify(args),
        Command::Keygen(args) => keygen(args),
        Command::Sign(args) => sign(args),
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Report {
    valid: bool,
    version: Option<String>,
    app_slug: Option<String>,
    #[serde(rename = "licenseID")]
    license_id: Option<String>,
    customer_name: Option<String>,
    channels: Option<Value>,
    entitlements: Option<Map<String, Value>>,
    expired: Option<bool>,
    expires_at: Option<String>,
    warnings: Vec<FieldMismatch>,
    error: Option<String>,
    scheme: Option<&'static str>,
    key_id: Option<String>,
}

fn verify(args: VerifyArgs) -> Result<ExitCode, CliError> {
    let verifier = verifier(&args)?;
    let now = match &args.now {
        Some(text) => {
            Timestamp::parse_rfc3339(text).map_err(|e| CliError::new(format!("--now: {e}")))?
        }
        None => Timestamp::now(),
    };
    let text = read_file(&args.file)?;
    let report = match License::from_yaml(&text) {
        Err(e) => Report {
            error: Some(e.to_string()),
            ..Report::default()
        },
        Ok(license) => match verifier.verify(&license) {
            Ok(verified) => report(&verified, now),
            Err(e) => Report {
                version: Some(license.api_version().to_string()),
                warnings: match &e {
                    LicenseError::DataMismatch { mismatches } => mismatches.clone(),
                    _ => Vec::new(),
                },
                error: Some(e.to_string()),
                ..Report::default()
            },
        },
    };
    print_json(&report)?;
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn report(verified: &VerifiedLicense, now: Timestamp) -> Report {
    let license = &verified.license;
    let spec = license.to_value()["spec"].take();
    let entitlements = license
        .spec
        .entitlements
        .iter()
        .map(|(name, e)| {
            let value = e.effective_value(license.version);
            (name.clone(), value.map_or(Value::Null, |v| v.to_json()))
        })
        .collect();
    let (expired, expires_at, error) = match license.expires_at() {
        Ok(at) => (
            Some(at.is_some_and(|at| at < now)),
            at.map(|at| at.to_string()),
            None,
        ),
        Err(e) => (None, None, Some(e.to_string())),
    };
    Report {
        valid: true,
        version: Some(license.api_version().to_string()),
        app_slug: Some(license.spec.app_slug.clone()),
        license_id: Some(license.spec.license_id.clone()),
        customer_name: Some(license.spec.customer_name.clone()),
        channels: Some(
            spec.get("channels")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
        ),
        entitlements: Some(entitlements),
        expired,
        expires_at,
        warnings: verified.warnings.clone(),
        error,
        scheme: Some(verified.scheme.as_str()),
        key_id: Some(verified.key_id.clone()),
    }
}

fn verifier(args: &VerifyArgs) -> Result<Verifier, CliError> {
    let mut verifier = Verifier::new();
    verifier.set_strict(args.strict);
    for path in &args.trust_global_key {
        let pem = read_file(path)?;
        verifier
            .trust_rsa_key_for_any_id(&pem)
            .map_err(|e| CliError::new(format!("--trust-global-key {}: {e}", path.display())))?;
    }
    trust_ed25519_keys(&mut verifier, &args.trust_key)?;
    Ok(verifier)
}

/// Trusts each `ID=ED25519_PUBLIC_KEY_FILE` of `--trust-key` (shared with `kots render`).
pub(crate) fn trust_ed25519_keys(
    verifier: &mut Verifier,
    specs: &[String],
) -> Result<(), CliError> {
    for spec in specs {
        let (id, path) = spec
            .split_once('=')
            .filter(|(id, path)| !id.is_empty() && !path.is_empty())
            .ok_or_else(|| {
                CliError::new(format!(
                    "--trust-key {spec:?}: expected ID=ED25519_PUBLIC_KEY_FILE"
                ))
            })?;
        let pem = read_file(Path::new(path))?;
        let key = Ed25519PublicKey::from_pem(&pem)
            .map_err(|e| CliError::new(format!("--trust-key {path}: {e}")))?;
        verifier.trust_ed25519_key(id, key);
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeygenReport {
    private_key: PathBuf,
    public_key: PathBuf,
}

fn keygen(args: KeygenArgs) -> Result<ExitCode, CliError> {
    fs::create_dir_all(&args.out).map_err(|e| CliError::io(&args.out, e))?;
    let key = generate_ed25519_key().map_err(CliError::new)?;
    let private_path = args.out.join(PRIVATE_KEY_FILE);
    let public_path = args.out.join(PUBLIC_KEY_FILE);
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(CliError::new(format!(
                "{}: already exists, not overwritten",
                path.display()
            )));
        }
    }
    write_new(&private_path, key.to_pem().as_bytes(), true)?;
    write_new(&public_path, key.verifying_key().to_pem().as_bytes(), false)?;
    print_json(&KeygenReport {
        private_key: private_path,
        public_key: public_path,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Creates a file that must not exist yet; a private key is readable by its owner only.
fn write_new(path: &Path, contents: &[u8], private: bool) -> Result<(), CliError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|e| CliError::io(path, e))?;
    file.write_all(contents).map_err(|e| CliError::io(path, e))
}

fn sign(args: SignArgs) -> Result<ExitCode, CliError> {
    let key_pem = read_file(&args.key)?;
    let key = Ed25519PrivateKey::from_pem(&key_pem)
        .map_err(|e| CliError::new(format!("{}: {e}", args.key.display())))?;
    let text = read_file(&args.license)?;
    let in_license = |e: LicenseError| CliError::new(format!("{}: {e}", args.license.display()));
    let license = License::from_yaml(&text).map_err(in_license)?;
    let signed = sign_license(&license, &key, &args.key_id).map_err(in_license)?;
    let yaml = signed.to_yaml().map_err(in_license)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(yaml.as_bytes());
    Ok(ExitCode::SUCCESS)
}
