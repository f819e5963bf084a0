//! sprig's `env` and `expandenv` (Go's `os.Getenv` and `os.ExpandEnv`), reading the render's
//! [`Environment`](super::super::funcs::Environment) provider.

use super::super::funcs::{Environment, FuncMap, Ty};
use super::{add, str_arg};

/// Registers the environment functions.
pub fn register(map: &mut FuncMap) {
    add(map, "env", &[Ty::String], None, |ctx, a| {
        Ok(ctx.env.var(str_arg(a, 0)).unwrap_or_default().into())
    });
    add(map, "expandenv", &[Ty::String], None, |ctx, a| {
        Ok(expand(str_arg(a, 0), ctx.env).into())
    });
}

/// `os.ExpandEnv`: replaces `$NAME` and `${NAME}`; unset variables expand to nothing.
pub fn expand(s: &str, env: &dyn Environment) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.push_str(&s[i..j]);
            let (name, width) = shell_name(&s[j + 1..]);
            match name {
                // Bad syntax such as "${}": the characters are dropped.
                "" if width > 0 => {}
                "" => out.push('$'),
                name => out.push_str(&env.var(name).unwrap_or_default()),
            }
            j += width;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(&s[i.min(s.len())..]);
    out
}

fn is_special(c: u8) -> bool {
    matches!(
        c,
        b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9'
    )
}

/// Go's `getShellName`: the variable name after a `$` and how many bytes it spans.
fn shell_name(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    if b[0] == b'{' {
        if b.len() > 2 && is_special(b[1]) && b[2] == b'}' {
            return (&s[1..2], 3);
        }
        return match s[1..].find('}') {
            Some(0) => ("", 2),
            Some(close) => (&s[1..close + 1], close + 2),
            None => ("", 1),
        };
    }
    if is_special(b[0]) {
        return (&s[..1], 1);
    }
    let len = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    (&s[..len], len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::MapEnvironment;

    #[test]
    fn expands_like_os_expand() {
        let env = MapEnvironment(
            [
                ("HOME".to_string(), "/root".to_string()),
                ("1".into(), "one".into()),
            ]
            .into(),
        );
        assert_eq!(expand("$HOME/x ${HOME}y $NOPE.", &env), "/root/x /rooty .");
        assert_eq!(expand("cost $ 5 and $", &env), "cost $ 5 and $");
        assert_eq!(expand("a${}b${c", &env), "abc");
        assert_eq!(expand("$1x ${1}", &env), "onex one");
        assert_eq!(expand("é$HOMEé", &env), "é/rooté");
    }
}
