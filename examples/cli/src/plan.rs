//! `kots plan PREV NEW [--live FILE] [--allow-data-loss] [--json]`: what an upgrade will create,
//! change, replace and delete, decided offline.
//!
//! PREV and NEW are directories of rendered manifests (read recursively; `.yaml`/`.yml` files
//! hold the objects, and every file counts in KOTS's diff summary) or multi-document YAML files.
//! Prints a table and unified diffs, or the plan as one JSON line with `--json`. Exit code 0, or 4
//! when the plan holds refused operations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kots_core::manifest::{parse_manifests, Object};
use kots_core::plan::{plan, render_human, IgnoreRule, OrderMode, PlanInput, Policy};

use crate::output::{print_json, CliError};

/// Exit code when the plan refuses operations.
const EXIT_REFUSED: u8 = 4;

/// Directory depth beyond which a release tree is not followed.
const MAX_DEPTH: usize = 32;

#[derive(clap::Args)]
pub struct Args {
    /// The previous release: a directory of rendered manifests or a multi-document YAML file.
    previous: PathBuf,
    /// The new release: a directory or a multi-document YAML file.
    new: PathBuf,
    /// Live snapshot: a JSON list of objects, or a `kubectl get -o json` List.
    #[arg(long, value_name = "FILE")]
    live: Option<PathBuf>,
    /// The inventory of an attempt that failed since PREV was deployed (repeat, oldest first).
    #[arg(long = "failed", value_name = "PATH")]
    failed: Vec<PathBuf>,
    /// Allow operations that can lose data (PVCs, PVs, StatefulSet claims, Namespaces, CRDs).
    #[arg(long)]
    allow_data_loss: bool,
    /// Disable the mass-deletion guard.
    #[arg(long)]
    allow_mass_deletion: bool,
    /// Refuse deletes when more than this share (0..1) of the previous objects would go.
    #[arg(long, value_name = "SHARE")]
    max_delete_share: Option<f64>,
    /// Namespace of objects that name none (KOTS's target namespace).
    #[arg(long, short = 'n', default_value = "default")]
    namespace: String,
    /// Ordering: `dag` (dependency levels) or `kots` (KOTS's phases and kind lists).
    #[arg(long, value_parser = ["dag", "kots"], default_value = "dag")]
    order: String,
    /// A JSON pointer to leave out of the comparison (repeatable), e.g. /spec/replicas.
    #[arg(long = "ignore", value_name = "POINTER")]
    ignore: Vec<String>,
    /// A namespace KOTS never deletes (the Application's additionalNamespaces; repeatable).
    #[arg(long = "additional-namespace", value_name = "NAME")]
    additional_namespaces: Vec<String>,
    /// Print the plan as one JSON line instead of the table and diffs.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let (previous, previous_files) = read_release(&args.previous)?;
    let (new, new_files) = read_release(&args.new)?;
    let failed = args
        .failed
        .iter()
        .map(|p| read_release(p).map(|(objects, _)| objects))
        .collect::<Result<Vec<_>, _>>()?;
    let live = args.live.as_deref().map(read_live).transpose()?;
    let policy = Policy {
        namespace: args.namespace,
        allow_data_loss: args.allow_data_loss,
        max_delete_share: args.max_delete_share,
        allow_mass_deletion: args.allow_mass_deletion,
        order: if args.order == "kots" {
            OrderMode::Kots
        } else {
            OrderMode::Dag
        },
        ignore_paths: args
            .ignore
            .into_iter()
            .map(|path| IgnoreRule {
                path,
                kind: None,
                group: None,
            })
            .collect(),
        additional_namespaces: args.additional_namespaces,
        data_kinds: Vec::new(),
    };
    let input = PlanInput {
        previous,
        new,
        failed_attempts: failed,
        live,
        previous_files: Some(previous_files),
        new_files: Some(new_files),
    };
    let plan = plan(&input, &policy).map_err(CliError::new)?;
    if args.json {
        print_json(&plan)?;
    } else {
        print!("{}", render_human(&plan, &input));
    }
    Ok(if plan.has_refused() {
        ExitCode::from(EXIT_REFUSED)
    } else {
        ExitCode::SUCCESS
    })
}

type Files = BTreeMap<String, Vec<u8>>;

/// The objects and files of a release directory or file. Files are keyed by their path relative
/// to the directory (the file name for a single file), as KOTS keys its archives.
fn read_release(path: &Path) -> Result<(Vec<Object>, Files), CliError> {
    let meta = std::fs::metadata(path).map_err(|e| CliError::io(path, e))?;
    let mut files = Files::new();
    if meta.is_dir() {
        walk(path, path, 0, &mut files)?;
    } else {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        files.insert(
            name,
            std::fs::read(path).map_err(|e| CliError::io(path, e))?,
        );
    }
    let mut objects = Vec::new();
    for (name, bytes) in &files {
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) && meta.is_dir() {
            continue;
        }
        let shown = if meta.is_dir() {
            path.join(name)
        } else {
            path.to_path_buf()
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|_| CliError::new(format!("{}: not UTF-8 text", shown.display())))?;
        let parsed = parse_manifests(text)
            .map_err(|e| CliError::new(format!("{}: {e}", shown.display())))?;
        objects.extend(parsed);
    }
    Ok((objects, files))
}

/// Collects regular files below `dir`; symbolic links are not followed.
fn walk(root: &Path, dir: &Path, depth: usize, files: &mut Files) -> Result<(), CliError> {
    if depth > MAX_DEPTH {
        return Err(CliError::new(format!(
            "{}: nested deeper than {MAX_DEPTH} directories",
            dir.display()
        )));
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| CliError::io(&path, e))?;
        if kind.is_dir() {
            walk(root, &path, depth + 1, files)?;
        } else if kind.is_file() {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(
                key,
                std::fs::read(&path).map_err(|e| CliError::io(&path, e))?,
            );
        }
    }
    Ok(())
}

/// A JSON array of objects, or an object with `items` (a Kubernetes List).
fn read_live(path: &Path) -> Result<Vec<Object>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut list) => match list.remove("items") {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(CliError::new(format!(
                    "{}: expected a JSON list or an object with `items`",
                    path.display()
                )))
            }
        },
        _ => {
            return Err(CliError::new(format!(
                "{}: expected a JSON list of objects",
                path.display()
            )))
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            Object::from_value(item)
                .map_err(|e| CliError::new(format!("{}: item {i}: {e}", path.display())))
        })
        .collect()
}
