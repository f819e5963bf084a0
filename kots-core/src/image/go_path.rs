//! Go's `path.Join`/`path.Clean` for slash-separated names, which KOTS uses to build image names.

/// `path.Join`: the non-empty elements joined with `/`, then cleaned; `""` when all are empty.
pub(crate) fn join<S: AsRef<str>>(elements: &[S]) -> String {
    let joined: Vec<&str> = elements
        .iter()
        .map(AsRef::as_ref)
        .filter(|e| !e.is_empty())
        .collect();
    if joined.is_empty() {
        return String::new();
    }
    clean(&joined.join("/"))
}

/// `path.Clean`: collapses `//`, drops `.`, resolves `..`, removes a trailing `/`.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => match out.last() {
                Some(&last) if last != ".." => {
                    out.pop();
                }
                _ if rooted => {}
                _ => out.push(".."),
            },
            s => out.push(s),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// `HOST[/REST]` split at the first `/`.
pub(crate) fn split_first_segment(text: &str) -> (&str, &str) {
    text.split_once('/').unwrap_or((text, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_clean_like_go() {
        assert_eq!(join(&["host:5000", "", "img:1"]), "host:5000/img:1");
        assert_eq!(join(&["host", "ns/", "img"]), "host/ns/img");
        assert_eq!(join(&["", "", ""]), "");
        assert_eq!(join(&["a", "../b"]), "b");
        assert_eq!(join(&["..", "a"]), "../a");
        assert_eq!(clean("/../a//b/./"), "/a/b");
        assert_eq!(clean("a/.."), ".");
    }
}
