//! sprig's path functions: Go's `path` package (`base`, `dir`, `clean`, `ext`, `isAbs`) and
//! `path/filepath` (`osBase`...), which on Linux, where KOTS runs, behave the same.

use super::super::funcs::{FuncMap, Ty};
use super::{add, str_arg};

/// Registers the path functions.
pub fn register(map: &mut FuncMap) {
    use Ty::String as S;
    for name in ["base", "osBase"] {
        add(map, name, &[S], None, |_, a| Ok(base(str_arg(a, 0)).into()));
    }
    for name in ["dir", "osDir"] {
        add(map, name, &[S], None, |_, a| Ok(dir(str_arg(a, 0)).into()));
    }
    for name in ["clean", "osClean"] {
        add(
            map,
            name,
            &[S],
            None,
            |_, a| Ok(clean(str_arg(a, 0)).into()),
        );
    }
    for name in ["ext", "osExt"] {
        add(map, name, &[S], None, |_, a| Ok(ext(str_arg(a, 0)).into()));
    }
    for name in ["isAbs", "osIsAbs"] {
        add(map, name, &[S], None, |_, a| {
            Ok(str_arg(a, 0).starts_with('/').into())
        });
    }
}

/// `path.Clean`: the shortest equivalent path, lexically.
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `path.Base`: the last element, without trailing slashes.
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// `path.Dir`: everything but the last element, cleaned.
pub fn dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..cut])
}

/// `path.Ext`: the suffix from the last dot of the last element.
pub fn ext(path: &str) -> String {
    for (i, b) in path.bytes().enumerate().rev() {
        match b {
            b'/' => break,
            b'.' => return path[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (input, want) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("/../a", "/a"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("//a//b/./", "/a/b"),
            ("/", "/"),
        ] {
            assert_eq!(clean(input), want, "{input}");
        }
    }

    #[test]
    fn base_dir_ext_like_go() {
        assert_eq!(base("/a/b.txt/"), "b.txt");
        assert_eq!(base("///"), "/");
        assert_eq!(base(""), ".");
        assert_eq!(dir("/a/b/c"), "/a/b");
        assert_eq!(dir("c"), ".");
        assert_eq!(dir("/"), "/");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
        assert_eq!(ext("a.b/c"), "");
    }
}
