//! Go's `complex128`, for complex literals in templates (`{{ 1+2i }}` prints `(1+2i)`).
//!
//! Nothing in KOTS data or sprig produces complex values; templates can only write them as
//! literals, print them, test their truth and pass them to `interface{}` parameters.

use super::funcs::FuncError;
use super::gofmt::format_float;
use super::value::{Object, Value};

/// A `complex128` value: real and imaginary parts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Complex {
    pub re: f64,
    pub im: f64,
}

impl Object for Complex {
    fn type_name(&self) -> &str {
        "complex128"
    }

    fn kind_name(&self) -> &str {
        "complex128"
    }

    /// Go's `fmtC` with `%v`: `(` real `%g`, imaginary `%+g`, `i)`.
    fn format(&self, out: &mut String) {
        out.push('(');
        out.push_str(&format_float(self.re, 'g', None));
        let im = format_float(self.im, 'g', None);
        if !im.starts_with(['-', '+']) {
            out.push('+');
        }
        out.push_str(&im);
        out.push_str("i)");
    }

    fn member(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, FuncError>> {
        None
    }

    fn is_true(&self) -> bool {
        self.re != 0.0 || self.im != 0.0
    }
}

/// Go's `fmt.Sscan` into a `complex128` for a lexed complex constant: `REAL±IMAGi` (the lexer
/// guarantees the shape).
pub(crate) fn parse(text: &str, parse_float: impl Fn(&str) -> Option<f64>) -> Option<Complex> {
    let body = text.strip_suffix('i')?;
    let bytes = body.as_bytes();
    // The sign starting the imaginary part: the last `+`/`-` not at the start and not part of
    // an exponent.
    let split = (1..bytes.len()).rev().find(|&i| {
        matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')
    })?;
    let re = parse_float(&body[..split])?;
    let im = parse_float(&body[split..])?;
    Some(Complex { re, im })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_go() {
        let s = |re, im| {
            let mut out = String::new();
            Complex { re, im }.format(&mut out);
            out
        };
        assert_eq!(s(0.0, 1.0), "(0+1i)");
        assert_eq!(s(1000.0, -0.5), "(1000-0.5i)");
        assert_eq!(s(1e21, f64::INFINITY), "(1e+21+Infi)");
    }

    #[test]
    fn parses_real_and_imaginary_parts() {
        let p = |t| parse(t, |s: &str| s.parse().ok());
        assert_eq!(p("1+2i"), Some(Complex { re: 1.0, im: 2.0 }));
        assert_eq!(p("1e3-0.5i"), Some(Complex { re: 1e3, im: -0.5 }));
        assert_eq!(p("1e+3+1e-2i"), Some(Complex { re: 1e3, im: 1e-2 }));
        assert_eq!(p("2i"), None);
    }
}
