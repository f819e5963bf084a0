//! `kots render RELEASE_DIR …` and `kots config RELEASE_DIR …`: render a release as KOTS does, or
//! print its resolved config.
//!
//! Exit codes: 0 rendered; 1 bad input (unreadable files, a license that does not verify);
//! 2 render error (the message names the file and carries Go's message); 3 required config items
//! are missing (nothing rendered; the summary lists them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kots_core::kinds::{ConfigValues, KotsResource};
use kots_core::license::{License, Verifier};
use kots_core::manifest::Object;
use kots_render::functions::RegistrySettings;
use kots_render::release::{
    render_release, resolve_release_config, Finishing, Release, RenderOptions, Rendered,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::output::{print_json, read_file, CliError};

const EXIT_RENDER_ERROR: u8 = 2;
const EXIT_NEEDS_CONFIG: u8 = 3;

/// What both commands read: the release, the license, the config values and the install facts.
#[derive(clap::Args)]
pub struct Inputs {
    /// Directory holding the release files.
    release_dir: PathBuf,
    /// The license file; its signature is verified against KOTS's global keys.
    #[arg(long)]
    license: PathBuf,
    /// Also trust this RSA public key (PEM) for any `globalKeyId` (KOTS's custom key).
    #[arg(long)]
    license_key: Option<PathBuf>,
    /// Also trust an ed25519 vendor key: `ID=ED25519_PUBLIC_KEY_FILE` (repeatable).
    #[arg(long = "trust-key", value_name = "ID=FILE")]
    trust_key: Vec<String>,
    /// A ConfigValues file (default: a ConfigValues document in the release, if any).
    #[arg(long)]
    config_values: Option<PathBuf>,
    /// The key password values are encrypted with (Installation `spec.encryptionKey`).
    #[arg(long)]
    encryption_key: Option<String>,
    /// Target namespace of the pull secrets.
    #[arg(long, default_value = "")]
    namespace: String,
    /// The app slug (default: the license's).
    #[arg(long, default_value = "")]
    app_slug: String,
    /// A private registry, `HOST[/NAMESPACE]`; images are rewritten to it.
    #[arg(long)]
    registry: Option<String>,
    #[arg(long, default_value = "")]
    registry_user: String,
    #[arg(long, default_value = "")]
    registry_password: String,
    /// The registry already holds the images.
    #[arg(long)]
    registry_read_only: bool,
    /// An airgap install.
    #[arg(long)]
    airgap: bool,
    /// The app sequence (`Sequence()`).
    #[arg(long, default_value_t = 0)]
    sequence: i64,
    /// The KOTS version `KotsVersion()` reports.
    #[arg(long, default_value = "0.0.0-unknown")]
    kots_version: String,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Write each object to its own file here (KOTS's `<name>-<kind>.yaml`) and print the JSON
    /// summary on stdout. Without it the objects go to stdout as one YAML stream and the summary
    /// to stderr.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Threads rendering files in parallel.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    #[arg(long)]
    no_pull_secrets: bool,
    #[arg(long)]
    no_image_pull_secrets: bool,
    #[arg(long)]
    no_app_slug_labels: bool,
    #[arg(long)]
    no_backup_label: bool,
    #[arg(long)]
    no_rewrite_images: bool,
}

/// The inputs read and checked.
struct Loaded {
    release: Release,
    license: License,
    config_values: Option<ConfigValues>,
    options: RenderOptions,
}

fn load(inputs: &Inputs) -> Result<Loaded, CliError> {
    let release = Release::from_dir(&inputs.release_dir).map_err(CliError::new)?;
    let mut verifier = Verifier::new();
    if let Some(key) = &inputs.license_key {
        verifier
            .trust_rsa_key_for_any_id(&read_file(key)?)
            .map_err(|e| file_error(key, e))?;
    }
    crate::license::trust_ed25519_keys(&mut verifier, &inputs.trust_key)?;
    let verified = verifier
        .verify_yaml(&read_file(&inputs.license)?)
        .map_err(|e| file_error(&inputs.license, e))?;
    for warning in &verified.warnings {
        eprintln!(
            "kots: {}: {warning}; the signed value is used",
            inputs.license.display()
        );
    }
    let config_values = match &inputs.config_values {
        Some(path) => {
            Some(ConfigValues::from_yaml(&read_file(path)?).map_err(|e| file_error(path, e))?)
        }
        None => None,
    };
    let registry = inputs.registry.as_deref().map(|r| {
        let (host, ns) = r.split_once('/').unwrap_or((r, ""));
        RegistrySettings {
            hostname: host.into(),
            namespace: ns.into(),
            username: inputs.registry_user.clone(),
            password: inputs.registry_password.clone(),
            is_read_only: inputs.registry_read_only,
        }
    });
    let options = RenderOptions {
        namespace: inputs.namespace.clone(),
        app_slug: inputs.app_slug.clone(),
        sequence: inputs.sequence,
        airgap: inputs.airgap,
        kots_version: inputs.kots_version.clone(),
        registry: registry.unwrap_or_default(),
        encryption_key: inputs.encryption_key.clone(),
        ..RenderOptions::default()
    };
    Ok(Loaded {
        release,
        license: verified.license,
        config_values,
        options,
    })
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::new(format!("{}: {e}", path.display()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileSummary<'a> {
    #[serde(flatten)]
    summary: &'a kots_render::release::Summary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let mut loaded = load(&args.inputs)?;
    loaded.options.threads = args.threads.max(1);
    loaded.options.finishing = Finishing {
        pull_secrets: !args.no_pull_secrets,
        image_pull_secrets: !args.no_image_pull_secrets,
        app_slug_labels: !args.no_app_slug_labels,
        backup_label: !args.no_backup_label,
        rewrite_images: !args.no_rewrite_images,
    };
    let rendered = render_release(
        &loaded.release,
        Some(&loaded.license),
        loaded.config_values.as_ref(),
        &loaded.options,
    )
    .map_err(|e| CliError::with_code(e, EXIT_RENDER_ERROR))?;
    let files = match &args.out {
        Some(dir) => write_objects(dir, &rendered)?,
        None => {
            print_stream(&rendered)?;
            Vec::new()
        }
    };
    let summary = FileSummary {
        summary: &rendered.summary,
        files,
    };
    if args.out.is_some() {
        print_json(&summary)?;
    } else {
        eprintln!(
            "{}",
            serde_json::to_string(&summary).map_err(CliError::new)?
        );
    }
    if !rendered.summary.needs_config.is_empty() {
        let names: Vec<&str> = rendered
            .summary
            .needs_config
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        return Err(CliError::with_code(
            format!("required config items are not set: {}", names.join(", ")),
            EXIT_NEEDS_CONFIG,
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn to_yaml(object: &Object) -> Result<String, CliError> {
    object.to_yaml().map_err(CliError::new)
}

fn print_stream(rendered: &Rendered) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for (i, o) in rendered.objects.iter().enumerate() {
        let sep = if i == 0 { "" } else { "---\n" };
        // A closed pipe is not worth a message.
        let _ = write!(out, "{sep}{}", to_yaml(&o.object)?);
    }
    Ok(())
}

/// KOTS's rendered file names: `<metadata.name>-<lowercase kind>.yaml`, `-1`, `-2`… on collision.
fn write_objects(dir: &Path, rendered: &Rendered) -> Result<Vec<String>, CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut files = Vec::new();
    for o in &rendered.objects {
        let stem = format!(
            "{}-{}",
            o.object.name().unwrap_or_default(),
            o.object.kind().to_lowercase()
        );
        let count = seen.entry(stem.clone()).or_insert(0);
        let name = if *count == 0 {
            format!("{stem}.yaml")
        } else {
            format!("{stem}-{count}.yaml")
        };
        *count += 1;
        let path = dir.join(&name);
        std::fs::write(&path, to_yaml(&o.object)?).map_err(|e| CliError::io(&path, e))?;
        files.push(name);
    }
    Ok(files)
}

#[derive(clap::Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    inputs: Inputs,
}

/// `kots config`: the resolved config (items with value, default, `when`, `hidden`, `required`,
/// what they depend on), the config context values, missing required items and validation errors.
pub fn run_config(args: ConfigArgs) -> Result<ExitCode, CliError> {
    let loaded = load(&args.inputs)?;
    let resolved = resolve_release_config(
        &loaded.release,
        Some(&loaded.license),
        loaded.config_values.as_ref(),
        &loaded.options,
    )
    .map_err(|e| CliError::with_code(e, EXIT_RENDER_ERROR))?;
    let Some(resolved) = resolved else {
        print_json(&json!({ "items": [], "values": {}, "needsConfig": [], "validation": [] }))?;
        return Ok(ExitCode::SUCCESS);
    };
    let items: Vec<Value> = resolved
        .rendered
        .spec
        .groups
        .iter()
        .flat_map(|g| {
            g.items.iter().map(|i| {
                json!({
                    "group": g.name, "groupWhen": g.when.as_str(), "name": i.name, "type": i.type_,
                    "title": i.title, "value": i.value.to_string(), "default": i.default.to_string(),
                    "when": i.when.as_str(), "hidden": i.hidden, "required": i.required,
                    "readonly": i.read_only, "dependsOn": resolved.dependencies.get(&i.name),
                })
            })
        })
        .collect();
    print_json(&json!({
        "items": items,
        "values": resolved.values,
        "needsConfig": resolved.missing_required,
        "validation": resolved.validation,
    }))?;
    Ok(ExitCode::SUCCESS)
}
