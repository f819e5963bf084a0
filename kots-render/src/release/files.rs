//! A release as KOTS sees it: its files after the upstream rules of kots-internals §5.1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kots_core::manifest::split_documents;
use regex::Regex;

use super::RenderError;

/// Most files a release directory may hold, so a wrong path (say `/`) fails fast instead of
/// reading a whole disk.
const MAX_FILES: usize = 20_000;
/// Largest total size of a release, in bytes.
const MAX_TOTAL_BYTES: u64 = 512 << 20;

/// One file of a release: its path relative to the release root (with `/` separators) and its
/// bytes. Chart archives (`.tgz`) are carried as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    pub path: String,
    pub content: Vec<u8>,
}

impl ReleaseFile {
    /// The content as text, or `None` for binary content (chart archives).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.content).ok()
    }

    /// True for `.tgz` / `.tar.gz` files, which KOTS never splits or filters.
    pub fn is_archive(&self) -> bool {
        self.path.ends_with(".tgz") || self.path.ends_with(".tar.gz")
    }
}

/// A vendor's release: the files of one version, as shipped (a directory or an in-memory map).
///
/// ```
/// use kots_render::release::Release;
///
/// let release = Release::from_files([
///     ("manifests/app.yaml".to_string(), b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n".to_vec()),
///     ("manifests/kots/config.yaml".to_string(), b"apiVersion: kots.io/v1beta1\nkind: Config\n".to_vec()),
/// ]);
/// // KOTS strips the directory prefix that all files share.
/// let paths: Vec<&str> = release.files().iter().map(|f| f.path.as_str()).collect();
/// assert_eq!(paths, ["app.yaml", "kots/config.yaml"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    files: Vec<ReleaseFile>,
}

impl Release {
    /// Builds a release from `(path, bytes)` pairs, applying KOTS's upstream rules: the longest
    /// common directory prefix of the non-`userdata/` files is removed, `userdata/` files are kept
    /// as they are and come last, and `troubleshoot.sh/v1beta3` documents are dropped.
    pub fn from_files(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Release {
        let sorted: BTreeMap<String, Vec<u8>> = files
            .into_iter()
            .map(|(path, content)| {
                (
                    path.replace('\\', "/").trim_start_matches('/').to_string(),
                    content,
                )
            })
            .collect();
        let (userdata, others): (Vec<_>, Vec<_>) = sorted
            .into_iter()
            .map(|(path, content)| ReleaseFile { path, content })
            .partition(|f| f.path.split('/').next() == Some("userdata") && f.path.contains('/'));
        let prefix = common_dir_prefix(others.iter().map(|f| f.path.as_str()));
        let files = others
            .into_iter()
            .map(|mut f| {
                f.path = f.path[prefix..].to_string();
                f
            })
            .chain(userdata)
            .filter_map(filter_v1beta3)
            .collect();
        Release { files }
    }

    /// Reads every regular file under `dir` (symbolic links are not followed).
    pub fn from_dir(dir: &Path) -> Result<Release, RenderError> {
        let mut files = Vec::new();
        let mut total = 0u64;
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            let entries = std::fs::read_dir(&current).map_err(|e| io_error(&current, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| io_error(&current, e))?;
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| io_error(&path, e))?;
                if kind.is_dir() {
                    pending.push(path);
                } else if kind.is_file() {
                    total += entry.metadata().map_err(|e| io_error(&path, e))?.len();
                    if files.len() >= MAX_FILES || total > MAX_TOTAL_BYTES {
                        return Err(RenderError::ReleaseTooLarge {
                            path: dir.display().to_string(),
                            max_files: MAX_FILES,
                            max_bytes: MAX_TOTAL_BYTES,
                        });
                    }
                    let content = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
                    files.push((relative(dir, &path), content));
                }
            }
        }
        Ok(Release::from_files(files))
    }

    /// The files, non-`userdata/` first, each group in path order.
    pub fn files(&self) -> &[ReleaseFile] {
        &self.files
    }
}

fn io_error(path: &Path, error: std::io::Error) -> RenderError {
    RenderError::Io {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Byte length of the longest directory prefix (ending in `/`) shared by every path
/// (`util.CommonSlicePrefix` over the directory parts).
fn common_dir_prefix<'a>(paths: impl Iterator<Item = &'a str>) -> usize {
    let mut common: Option<Vec<&str>> = None;
    for path in paths {
        let dirs: Vec<&str> = match path.rsplit_once('/') {
            Some((dir, _)) => dir.split('/').collect(),
            None => Vec::new(),
        };
        common = Some(match common {
            None => dirs,
            Some(prev) => prev
                .iter()
                .zip(&dirs)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.map_or(0, |dirs| dirs.iter().map(|d| d.len() + 1).sum())
}

fn v1beta3_api_version() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?m)^apiVersion:[ \t]*['"]?troubleshoot\.sh/v1beta3['"]?[ \t]*(#.*)?$"#)
            .expect("static regex")
    })
}

/// `filterV1Beta3`: drops `troubleshoot.sh/v1beta3` documents; a file left empty is dropped.
fn filter_v1beta3(mut file: ReleaseFile) -> Option<ReleaseFile> {
    if file.is_archive() {
        return Some(file);
    }
    let Some(text) = file.text() else {
        return Some(file);
    };
    if !v1beta3_api_version().is_match(text) {
        return Some(file);
    }
    let kept: Vec<String> = split_documents(text)
        .into_iter()
        .filter(|d| !v1beta3_api_version().is_match(&d.text))
        .map(|d| d.text)
        .collect();
    if kept.is_empty() {
        return None;
    }
    file.content = kept.join("\n---\n").into_bytes();
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(release: &Release) -> Vec<&str> {
        release.files().iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn common_prefix_is_stripped_but_not_from_userdata() {
        let release = Release::from_files([
            ("a/b/x.yaml".into(), vec![]),
            ("a/b/c/y.yaml".into(), vec![]),
            ("userdata/license.yaml".into(), vec![]),
        ]);
        assert_eq!(
            paths(&release),
            ["c/y.yaml", "x.yaml", "userdata/license.yaml"]
        );
    }

    #[test]
    fn no_common_prefix_keeps_paths() {
        let release = Release::from_files([("a/x.yaml".into(), vec![]), ("y.yaml".into(), vec![])]);
        assert_eq!(paths(&release), ["a/x.yaml", "y.yaml"]);
    }

    #[test]
    fn v1beta3_documents_are_dropped() {
        let text =
            "apiVersion: troubleshoot.sh/v1beta3\nkind: Preflight\n---\napiVersion: v1\nkind: A\n";
        let release = Release::from_files([
            ("p.yaml".into(), text.as_bytes().to_vec()),
            (
                "only.yaml".into(),
                b"apiVersion: 'troubleshoot.sh/v1beta3' # x\nkind: P\n".to_vec(),
            ),
        ]);
        assert_eq!(paths(&release), ["p.yaml"]);
        assert_eq!(release.files()[0].text(), Some("apiVersion: v1\nkind: A\n"));
    }
}
