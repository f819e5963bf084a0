//! `kots manifests split FILE...`: one JSON line per document.

use std::path::PathBuf;
use std::process::ExitCode;

use kots_core::manifest::parse_manifests;
use serde::Serialize;

use crate::output::{print_json, read_file, CliError};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Split multi-document YAML files as KOTS does and print one JSON line per document.
    Split {
        /// YAML files to split.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentLine<'a> {
    path: String,
    index: usize,
    api_version: &'a str,
    group: &'a str,
    version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

pub fn run(command: Command) -> Result<ExitCode, CliError> {
    let Command::Split { files } = command;
    for path in files {
        let text = read_file(&path)?;
        let objects = parse_manifests(&text)
            .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
        for (index, obj) in objects.iter().enumerate() {
            print_json(&DocumentLine {
                path: path.display().to_string(),
                index,
                api_version: obj.api_version(),
                group: obj.group(),
                version: obj.version(),
                kind: obj.kind(),
                namespace: obj.namespace(),
                name: obj.name(),
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
