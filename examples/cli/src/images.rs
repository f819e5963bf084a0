//! `kots image parse` (Docker's reference grammar, one JSON line per input line) and
//! `kots images list|rewrite` (discovery and private-registry / proxy rewriting over a directory of
//! rendered manifests).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kots_core::image::{
    discover, kustomization_images, DiscoverOptions, Discovery, DiscoveryMode, ImageRewriter,
    KustomizeImage, ProxyInfo, ReferenceReport, Registry,
};
use kots_core::manifest::{parse_manifests, Object};
use serde::Serialize;

use crate::output::{print_json, read_file, CliError};

#[derive(clap::Subcommand)]
pub enum ImageCommand {
    /// Parse image references (one per line, from FILE or stdin) as Docker does: prints
    /// {input, normalized, familiar, domain, path, tag, digest} or {input, error} per line.
    Parse {
        /// File with one reference per line; stdin when absent.
        file: Option<PathBuf>,
    },
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// List the images of rendered manifests (a YAML file or a directory of them), sorted, with
    /// the documents that use each.
    List {
        path: PathBuf,
        /// One JSON line per image instead of one reference per line.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        discovery: DiscoveryArgs,
    },
    /// Rewrite the images of rendered manifests for a private registry or the Replicated proxy,
    /// writing the manifests under --out and printing the kustomize `images` list KOTS would write.
    Rewrite(RewriteArgs),
}

#[derive(clap::Args)]
pub struct DiscoveryArgs {
    /// `kots`: KOTS's rules; `complete`: also ephemeral containers and pod templates in any kind.
    #[arg(long, value_enum, default_value = "kots")]
    mode: Mode,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Mode {
    Kots,
    Complete,
}

impl From<Mode> for DiscoveryMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Kots => DiscoveryMode::Kots,
            Mode::Complete => DiscoveryMode::Complete,
        }
    }
}

#[derive(clap::Args)]
pub struct RewriteArgs {
    /// A YAML file or a directory of them (searched recursively for *.yaml and *.yml).
    path: PathBuf,
    /// Private registry `HOST[/NAMESPACE]`: every image moves there (last path segment kept).
    #[arg(long, required_unless_present = "proxy", conflicts_with = "proxy")]
    registry: Option<String>,
    /// Proxy mode with this app slug: private images are pulled through the Replicated proxy.
    #[arg(long, value_name = "APP_SLUG")]
    proxy: Option<String>,
    /// Proxy mode: custom proxy registry domain (default proxy.replicated.com).
    #[arg(long, requires = "proxy")]
    proxy_domain: Option<String>,
    /// Proxy mode: custom Replicated registry domain (default registry.replicated.com).
    #[arg(long, requires = "proxy")]
    registry_domain: Option<String>,
    /// Proxy mode: an image that is private (repeatable). Without any, every image is treated as
    /// private, as with Application `proxyPublicImages: true`.
    #[arg(long, requires = "proxy", value_name = "IMAGE")]
    private: Vec<String>,
    /// Directory the rewritten manifests are written to, with the input's relative paths.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    discovery: DiscoveryArgs,
}

pub fn run_image(command: ImageCommand) -> Result<ExitCode, CliError> {
    let ImageCommand::Parse { file } = command;
    let mut bytes = Vec::new();
    match &file {
        Some(path) => bytes = std::fs::read(path).map_err(|e| CliError::io(path, e))?,
        None => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new(format!("stdin: {e}")))?;
        }
    }
    // Lines as Go's bufio.Scanner gives them: split on \n, a trailing \r dropped, no empty line
    // after a final newline. Invalid UTF-8 is replaced, and then fails the grammar as in Go.
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if bytes.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for line in body.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        print_json(&ReferenceReport::of(&String::from_utf8_lossy(line)))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::List {
            path,
            json,
            discovery,
        } => list(&path, json, discovery.mode.into()),
        Command::Rewrite(args) => rewrite(args),
    }
}

/// The documents of every YAML file under the input path, with where each came from.
struct Input {
    root: PathBuf,
    files: Vec<(PathBuf, usize)>,
    objects: Vec<Object>,
    origins: Vec<(usize, usize)>,
}

impl Input {
    fn load(path: &Path) -> Result<Input, CliError> {
        let mut paths = Vec::new();
        let root = if path.is_dir() {
            yaml_files(path, &mut paths)?;
            path.to_path_buf()
        } else {
            paths.push(path.to_path_buf());
            path.parent().unwrap_or(Path::new("")).to_path_buf()
        };
        let mut input = Input {
            root,
            files: Vec::new(),
            objects: Vec::new(),
            origins: Vec::new(),
        };
        for file in paths {
            let objects = parse_manifests(&read_file(&file)?)
                .map_err(|e| CliError::new(format!("{}: {e}", file.display())))?;
            let file_index = input.files.len();
            input.files.push((file, objects.len()));
            for (doc, object) in objects.into_iter().enumerate() {
                input.origins.push((file_index, doc));
                input.objects.push(object);
            }
        }
        Ok(input)
    }

    fn document_ref(&self, document: usize) -> DocumentRef<'_> {
        let (file, index) = self.origins[document];
        let object = &self.objects[document];
        DocumentRef {
            file: self.files[file].0.display().to_string(),
            index,
            kind: object.kind(),
            name: object.name(),
            namespace: object.namespace(),
        }
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| CliError::io(dir, err)))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct DocumentRef<'a> {
    file: String,
    /// 0-based document index within the file.
    index: usize,
    kind: &'a str,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct ImageLine<'a> {
    image: &'a str,
    documents: Vec<DocumentRef<'a>>,
    /// `file#index:/json/pointer` of every field holding the image.
    locations: Vec<String>,
}

fn discover_input(
    input: &Input,
    mode: DiscoveryMode,
    registry: Option<Registry>,
) -> Result<Discovery, CliError> {
    discover(&input.objects, &DiscoverOptions { mode, registry }).map_err(|e| {
        CliError::new(match &e {
            kots_core::image::ImageError::InDocument { document, .. }
            | kots_core::image::ImageError::FieldType { document, .. }
            | kots_core::image::ImageError::Application { document, .. } => {
                let doc = input.document_ref(*document);
                format!("{} (document {}): {e}", doc.file, doc.index)
            }
            _ => e.to_string(),
        })
    })
}

fn list(path: &Path, json: bool, mode: DiscoveryMode) -> Result<ExitCode, CliError> {
    let input = Input::load(path)?;
    let found = discover_input(&input, mode, None)?;
    for image in &found.images {
        if !json {
            println!("{}", image.image);
            continue;
        }
        print_json(&ImageLine {
            image: &image.image,
            documents: image
                .documents
                .iter()
                .map(|d| input.document_ref(*d))
                .collect(),
            locations: image
                .locations
                .iter()
                .map(|l| {
                    let (file, index) = input.origins[l.document];
                    format!("{}#{}:{}", input.files[file].0.display(), index, l.pointer)
                })
                .collect(),
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RewriteSummary {
    /// `registry` or `proxy`.
    mode: &'static str,
    /// The kustomize `images` list KOTS writes to the midstream kustomization.
    images: Vec<KustomizeImage>,
    files: usize,
    documents: usize,
    rewritten_fields: usize,
    out: String,
}

fn rewrite(args: RewriteArgs) -> Result<ExitCode, CliError> {
    let mut input = Input::load(&args.path)?;
    let mode: DiscoveryMode = args.discovery.mode.into();
    let registry = args.registry.as_deref().map(Registry::parse);
    let found = discover_input(&input, mode, registry.clone())?;
    let (label, entries) = match (&registry, &args.proxy) {
        (Some(registry), _) => (
            "registry",
            registry.rewrite_images(&found.kots_image_list()),
        ),
        (None, Some(slug)) => {
            let info = ProxyInfo::default().with_overrides(
                args.proxy_domain.as_deref(),
                args.registry_domain.as_deref(),
            );
            let private: HashSet<&str> = args.private.iter().map(String::as_str).collect();
            (
                "proxy",
                info.rewrite_private_images(
                    &found.workload_images,
                    |image| private.is_empty() || private.contains(image),
                    slug,
                ),
            )
        }
        (None, None) => {
            return Err(CliError::new(
                "give --registry HOST[/NAMESPACE] or --proxy APP_SLUG",
            ))
        }
    };
    let images = kustomization_images(entries.map_err(CliError::new)?);
    let rewriter = ImageRewriter::new(images.clone());
    let rewritten_fields = rewriter.rewrite_objects(&mut input.objects, mode);
    write_out(&input, &args.out)?;
    print_json(&RewriteSummary {
        mode: label,
        images,
        files: input.files.len(),
        documents: input.objects.len(),
        rewritten_fields,
        out: args.out.display().to_string(),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Writes each input file's documents (re-serialised; comments are not kept) under `out`.
fn write_out(input: &Input, out: &Path) -> Result<(), CliError> {
    let mut next = 0;
    for (file, count) in &input.files {
        let relative = file.strip_prefix(&input.root).unwrap_or(file);
        let target = out.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        }
        let mut text = String::new();
        for (i, object) in input.objects[next..next + count].iter().enumerate() {
            if i > 0 {
                text.push_str("---\n");
            }
            let yaml = object
                .to_yaml()
                .map_err(|e| CliError::new(format!("{}: {e}", file.display())))?;
            text.push_str(&yaml);
        }
        next += count;
        std::fs::write(&target, text).map_err(|e| CliError::io(&target, e))?;
    }
    Ok(())
}
