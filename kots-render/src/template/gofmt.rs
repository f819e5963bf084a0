//! Go's `fmt` printing of [`Value`]s: `Sprint`, `Sprintln` and `Sprintf` with Go's verbs, flags,
//! width, precision, argument indexes and error notations (`%!d(float64=3)`, `%!v(MISSING)`,
//! `%!(EXTRA int=1)`), following `fmt/print.go` and `fmt/format.go`.
//!
//! ```
//! use kots_render::template::{gofmt, Value};
//! assert_eq!(gofmt::sprintf("%05.1f|%-4d|%q", &[Value::Float(3.14159), Value::Int(7), "a\n".into()]),
//!            "003.1|7   |\"a\\n\"");
//! assert_eq!(gofmt::sprintf("%d", &[Value::Float(3.0)]), "%!d(float64=3)");
//! ```

use std::fmt::Write as _;

use super::complex::Complex;
use super::funcs::FuncError;
use super::value::{too_deep, Value, MAX_DEPTH};

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

/// Writes `v` as `fmt.Sprint(v)` does (`%v`). Lists and maps nested deeper than
/// [`MAX_DEPTH`](super::value::MAX_DEPTH) (a map containing itself) are cut off as `...`; use
/// [`try_write_v`] to fail instead.
pub fn write_v(out: &mut String, v: &Value) {
    Printer::new(out).print_arg(v, 'v');
}

/// [`write_v`], failing on values nested deeper than [`MAX_DEPTH`](super::value::MAX_DEPTH),
/// where Go overflows its stack.
pub fn try_write_v(out: &mut String, v: &Value) -> Result<(), FuncError> {
    if let Value::String(s) = v {
        // The common case, without setting up a printer.
        out.push_str(s);
        return Ok(());
    }
    let mut p = Printer::new(out);
    p.print_arg(v, 'v');
    p.result()
}

/// `fmt.Sprint(args...)`: `%v` of each, with a space between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    printed(|p| p.sprint(args))
}

/// [`sprint`] appended to `out`, failing on values nested too deep (see [`try_write_v`]).
pub fn try_write_sprint(out: &mut String, args: &[Value]) -> Result<(), FuncError> {
    written(out, |p| p.sprint(args))
}

/// `fmt.Sprintln(args...)`: `%v` of each, space separated, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    printed(|p| p.sprintln(args))
}

/// [`sprintln`] appended to `out`, failing on values nested too deep (see [`try_write_v`]).
pub fn try_write_sprintln(out: &mut String, args: &[Value]) -> Result<(), FuncError> {
    written(out, |p| p.sprintln(args))
}

/// `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    printed(|p| p.do_printf(format, args))
}

/// [`sprintf`] appended to `out`, failing on values nested too deep (see [`try_write_v`]).
pub fn try_write_sprintf(out: &mut String, format: &str, args: &[Value]) -> Result<(), FuncError> {
    written(out, |p| p.do_printf(format, args))
}

/// Runs `print` on a fresh printer (a value nested too deep is cut off as `...`).
fn printed(print: impl FnOnce(&mut Printer<'_>)) -> String {
    let mut out = String::new();
    print(&mut Printer::new(&mut out));
    out
}

/// Runs `print` on a printer appending to `out`; fails if a value was cut off.
fn written(out: &mut String, print: impl FnOnce(&mut Printer<'_>)) -> Result<(), FuncError> {
    let mut p = Printer::new(out);
    print(&mut p);
    p.result()
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quote(&mut out, s, '"', false);
    out
}

#[derive(Clone, Copy, Default)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    sharp_v: bool,
    wid: usize,
    wid_present: bool,
    prec: usize,
    prec_present: bool,
}

struct Printer<'a> {
    buf: &'a mut String,
    f: Flags,
    good_arg_num: bool,
    reordered: bool,
    /// Lists and maps entered (see [`MAX_DEPTH`]).
    depth: usize,
    /// The maps being printed around the current value (meeting one again is a cycle).
    maps: Vec<usize>,
    /// Whether a value nested deeper than [`MAX_DEPTH`] was cut off.
    too_deep: bool,
}

impl<'a> Printer<'a> {
    fn new(buf: &'a mut String) -> Self {
        Printer {
            buf,
            f: Flags::default(),
            good_arg_num: true,
            reordered: false,
            depth: 0,
            maps: Vec::new(),
            too_deep: false,
        }
    }

    fn result(&self) -> Result<(), FuncError> {
        if self.too_deep {
            return Err(too_deep());
        }
        Ok(())
    }

    fn sprint(&mut self, args: &[Value]) {
        let mut prev_string = false;
        for (i, a) in args.iter().enumerate() {
            let is_string = matches!(a, Value::String(_));
            if i > 0 && !is_string && !prev_string {
                self.buf.push(' ');
            }
            self.print_arg(a, 'v');
            prev_string = is_string;
        }
    }

    fn sprintln(&mut self, args: &[Value]) {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push(' ');
            }
            self.print_arg(a, 'v');
        }
        self.buf.push('\n');
    }

    fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut i = 0usize;
        'format: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    c => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus = false;
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, format, i, a.len());
            if i < end && fb[i] == b'*' {
                i += 1;
                let (n, ok, next) = int_from_arg(a, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if n < 0 {
                    self.f.wid = n.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = n as usize;
                }
                after_index = false;
            } else {
                let (n, ok, ni) = parsenum(fb, i, end);
                self.f.wid = n;
                self.f.wid_present = ok;
                i = ni;
                if after_index && ok {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, format, i, a.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (n, ok, next) = int_from_arg(a, arg_num);
                    arg_num = next;
                    self.f.prec_present = ok && n >= 0;
                    self.f.prec = n.max(0) as usize;
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (n, ok, ni) = parsenum(fb, i, end);
                    i = ni;
                    self.f.prec = if ok { n } else { 0 };
                    self.f.prec_present = true;
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, format, i, a.len());
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.bad_arg(verb, "BADINDEX");
            } else if arg_num >= a.len() {
                self.bad_arg(verb, "MISSING");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in a[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if let Value::Nil = arg {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn bad_arg(&mut self, verb: char, what: &str) {
        let _ = write!(self.buf, "%!{verb}({what})");
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &str,
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        let fb = format.as_bytes();
        if fb.len() <= i || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&fb[i..]);
        if ok && index < num_args {
            return (index, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    /// `printArg`/`printValue`: one operand with one verb.
    fn print_arg(&mut self, v: &Value, verb: char) {
        match v {
            Value::Nil => match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, v),
            },
            _ if verb == 'T' => {
                let t = v.type_name().to_string();
                self.fmt_s(&t);
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, v),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, v),
            Value::Uint(u) => self.fmt_integer(*u, false, verb, v),
            Value::Float(x) => match verb {
                'v' => self.fmt_float(*x, 'g', None),
                'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(*x, verb, None),
                'f' | 'e' | 'E' | 'F' => self.fmt_float(*x, verb, Some(6)),
                _ => self.bad_verb(verb, v),
            },
            Value::String(s) => match verb {
                'v' if self.f.sharp_v => self.fmt_q(s),
                'v' | 's' => self.fmt_s(s),
                'x' => self.fmt_sx(s.as_bytes(), LDIGITS),
                'X' => self.fmt_sx(s.as_bytes(), UDIGITS),
                'q' => self.fmt_q(s),
                _ => self.bad_verb(verb, v),
            },
            Value::List(items) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (k, item) in items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_nested(item, verb);
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.print_nested(item, verb);
                }
                self.buf.push(']');
            }
            Value::Map(m) if m.is_nil() && self.f.sharp_v => {
                self.buf.push_str("map[string]interface {}(nil)")
            }
            Value::Map(m) => {
                self.maps.push(m.id());
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (k, (key, item)) in m.snapshot().iter().enumerate() {
                    if k > 0 {
                        self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_key(key, verb);
                    self.buf.push(':');
                    self.print_nested(item, verb);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
                self.maps.pop();
            }
            Value::Object(o) if o.kind_name() == "complex128" => {
                let any: &dyn std::any::Any = o.as_ref();
                match any.downcast_ref::<Complex>() {
                    Some(c) => self.fmt_complex(*c, verb, v),
                    None => self.bad_verb(verb, v),
                }
            }
            Value::Object(o) => match verb {
                'v' | 's' => {
                    let mut s = String::new();
                    o.format(&mut s);
                    self.fmt_s(&s);
                }
                _ => self.bad_verb(verb, v),
            },
        }
    }

    /// An element inside a list or map: a nil `interface{}` there prints `<nil>` whatever the verb.
    fn print_nested(&mut self, v: &Value, verb: char) {
        match v {
            Value::Nil if self.f.sharp_v => self.buf.push_str("interface {}(nil)"),
            Value::Nil => self.buf.push_str("<nil>"),
            Value::List(_) | Value::Map(_) if self.depth >= MAX_DEPTH => self.cut_off(),
            Value::Map(m) if self.maps.contains(&m.id()) => self.cut_off(),
            _ => {
                self.depth += 1;
                self.print_arg(v, verb);
                self.depth -= 1;
            }
        }
    }

    /// `fmtComplex`: both parts with the float verb, the imaginary one always signed.
    fn fmt_complex(&mut self, c: Complex, verb: char, v: &Value) {
        if !matches!(
            verb,
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E'
        ) {
            return self.bad_verb(verb, v);
        }
        let plus = self.f.plus;
        self.buf.push('(');
        self.print_arg(&Value::Float(c.re), verb);
        self.f.plus = true;
        self.print_arg(&Value::Float(c.im), verb);
        self.buf.push_str("i)");
        self.f.plus = plus;
    }

    /// Stops at a map containing itself or a value nested too deep (Go overflows its stack).
    fn cut_off(&mut self) {
        self.too_deep = true;
        self.buf.push_str("...");
    }

    /// A map key: a string printed with the map's verb.
    fn print_key(&mut self, key: &str, verb: char) {
        match verb {
            'v' if !self.f.sharp_v => self.fmt_s(key),
            _ => self.print_arg(&Value::from(key), verb),
        }
    }

    fn bad_verb(&mut self, verb: char, v: &Value) {
        let _ = write!(self.buf, "%!{verb}(");
        if let Value::Nil = v {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(v.type_name());
            self.buf.push('=');
            self.print_arg(v, 'v');
        }
        self.buf.push(')');
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    /// Pads `s` to the width (counted in runes).
    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.push_str(s);
        }
    }

    fn pad_str(&mut self, s: &str) {
        self.pad(s)
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            if let Some((idx, _)) = s.char_indices().nth(self.f.prec) {
                return &s[..idx];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let q = format!("`{s}`");
            self.pad(&q);
            return;
        }
        if !self.f.wid_present {
            append_quote(self.buf, s, '"', self.f.plus);
            return;
        }
        let mut q = String::with_capacity(s.len() + 2);
        append_quote(&mut q, s, '"', self.f.plus);
        self.pad(&q);
    }

    fn fmt_sx(&mut self, b: &[u8], digits: &[u8]) {
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xF) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    fn fmt_integer(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v && !signed => {
                let saved = self.f;
                self.f.sharp = true;
                self.fmt_int(u, 16, signed, verb, LDIGITS);
                self.f = saved;
            }
            'v' | 'd' => self.fmt_int(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_int(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_int(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_int(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_int(u, 16, signed, verb, UDIGITS),
            'c' => {
                let c = char::from_u32(u32::try_from(u).unwrap_or(0xFFFD)).unwrap_or('\u{FFFD}');
                let mut tmp = [0u8; 4];
                let s: &str = c.encode_utf8(&mut tmp);
                self.pad(s);
            }
            'q' => {
                let c = char::from_u32(u32::try_from(u).unwrap_or(0xFFFD)).unwrap_or('\u{FFFD}');
                let mut q = String::new();
                append_quote(&mut q, c.encode_utf8(&mut [0u8; 4]), '\'', self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, v),
        }
    }

    fn fmt_int(&mut self, mut u: u64, base: u64, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (u as i64) < 0;
        if negative {
            u = u.wrapping_neg();
        }
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        // Go builds the number backwards in a buffer; here the digits go on the stack and the
        // zeros of the precision (up to a million) straight into the output.
        let mut buf = [0u8; 64];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = digits[(u % base) as usize];
            u /= base;
            if u == 0 {
                break;
            }
        }
        let body = &buf[start..];
        let zeros = prec.saturating_sub(body.len());
        // Sign, `0o`, then the `#` prefix: at most five bytes.
        let mut head = [0u8; 5];
        let mut h = 0;
        let mut put = |bytes: &[u8]| {
            head[h..h + bytes.len()].copy_from_slice(bytes);
            h += bytes.len();
        };
        if negative {
            put(b"-");
        } else if self.f.plus {
            put(b"+");
        } else if self.f.space {
            put(b" ");
        }
        if verb == 'O' {
            put(b"0o");
        }
        if self.f.sharp {
            match base {
                2 => put(b"0b"),
                8 if zeros == 0 && body[0] != b'0' => put(b"0"),
                16 => put(&[b'0', digits[16]]),
                _ => {}
            }
        }
        let head = std::str::from_utf8(&head[..h]).unwrap_or_default();
        let body = std::str::from_utf8(body).unwrap_or_default();
        let width = if self.f.wid_present { self.f.wid } else { 0 };
        let padding = width.saturating_sub(head.len() + zeros + body.len());
        if !self.f.minus {
            self.buf.extend(std::iter::repeat_n(' ', padding));
        }
        self.buf.push_str(head);
        self.buf.extend(std::iter::repeat_n('0', zeros));
        self.buf.push_str(body);
        if self.f.minus {
            self.buf.extend(std::iter::repeat_n(' ', padding));
        }
    }

    fn fmt_unicode(&mut self, u: u64) {
        let prec = if self.f.prec_present && self.f.prec > 4 {
            self.f.prec
        } else {
            4
        };
        let mut s = format!("U+{:0prec$X}", u, prec = prec);
        if self.f.sharp {
            if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                if is_print(c) {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
            }
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn fmt_float(&mut self, v: f64, verb: char, default_prec: Option<usize>) {
        let prec = if self.f.prec_present {
            Some(self.f.prec)
        } else {
            default_prec
        };
        let mut num = format_float(v, verb, prec);
        if self.f.sharp && verb != 'b' {
            num = sharp_float(&num, verb, prec);
        }
        let (sign, body) = match num.as_bytes().first() {
            Some(b'-') => ('-', &num[1..]),
            Some(b'+') => ('+', &num[1..]),
            _ => ('+', num.as_str()),
        };
        let mut sign = sign;
        if self.f.space && sign == '+' && !self.f.plus {
            sign = ' ';
        }
        if body.starts_with("Inf") || body.starts_with("NaN") {
            let old = self.f.zero;
            self.f.zero = false;
            let s = if body.starts_with("NaN") && !self.f.space && !self.f.plus {
                body.to_string()
            } else {
                format!("{sign}{body}")
            };
            self.pad(&s);
            self.f.zero = old;
            return;
        }
        if self.f.plus || sign != '+' {
            let len = 1 + body.len();
            if self.f.zero && self.f.wid_present && self.f.wid > len {
                self.buf.push(sign);
                self.write_padding(self.f.wid - len);
                self.buf.push_str(body);
                return;
            }
            let full = format!("{sign}{body}");
            self.pad(&full);
            return;
        }
        self.pad(body);
    }
}

/// `%#g`-style decimal point forcing and trailing-zero keeping (format.go's sharp handling).
fn sharp_float(num: &str, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'v' | 'g' | 'G' | 'x' => prec.map(|p| p as i64).unwrap_or(6),
        _ => 0,
    };
    let (sign, rest) = match num.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", num),
    };
    let mut mantissa = String::new();
    let mut tail = "";
    let mut has_point = false;
    let mut saw_nonzero = false;
    for (i, c) in rest.char_indices() {
        match c {
            '.' => has_point = true,
            'p' | 'P' => {
                tail = &rest[i..];
                break;
            }
            'e' | 'E' if verb != 'x' && verb != 'X' => {
                tail = &rest[i..];
                break;
            }
            _ => {
                if c != '0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
        mantissa.push(c);
    }
    if !has_point {
        if mantissa == "0" {
            digits -= 1;
        }
        mantissa.push('.');
    }
    while digits > 0 {
        mantissa.push('0');
        digits -= 1;
    }
    format!("{sign}{mantissa}{tail}")
}

/// `strconv.FormatFloat(v, verb, prec, 64)` for the verbs fmt passes (`prec` None = shortest).
pub fn format_float(v: f64, verb: char, prec: Option<usize>) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = v.is_sign_negative();
    if matches!(verb, 'g' | 'G')
        && prec.is_none()
        && v.fract() == 0.0
        && v.abs() < 1e6
        && !(neg && v == 0.0)
    {
        // Shortest %g of a whole number below 1e6 (no exponent form): its integer digits. The
        // common case (JSON numbers are floats: ports, replicas), without digit generation.
        return (v as i64).to_string();
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let a = v.abs();
    match verb {
        'e' | 'E' => {
            let (digs, dp) = decimal_digits(a, prec.map(|p| p + 1));
            let p = prec.unwrap_or(digs.len().saturating_sub(1));
            fmt_e(&mut out, &digs, dp, p, verb);
        }
        'f' | 'F' => match prec {
            Some(p) => {
                let _ = write!(out, "{a:.p$}");
            }
            None => {
                let (digs, dp) = decimal_digits(a, None);
                let p = (digs.len() as i64 - dp as i64).max(0) as usize;
                fmt_f(&mut out, &digs, dp, p);
            }
        },
        'g' | 'G' => {
            let shortest = prec.is_none();
            let mut p = prec.unwrap_or(0);
            if p == 0 && !shortest {
                p = 1;
            }
            let (digs, dp) = decimal_digits(a, if shortest { None } else { Some(p) });
            if shortest {
                p = digs.len();
            }
            let mut eprec = p as i64;
            if eprec > digs.len() as i64 && digs.len() as i64 >= dp as i64 {
                eprec = digs.len() as i64;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp as i64 - 1;
            let e = if verb == 'g' { 'e' } else { 'E' };
            if exp < -4 || exp >= eprec {
                if p > digs.len() {
                    p = digs.len();
                }
                fmt_e(&mut out, &digs, dp, p.saturating_sub(1), e);
            } else {
                if p as i64 > dp as i64 {
                    p = digs.len();
                }
                fmt_f(&mut out, &digs, dp, (p as i64 - dp as i64).max(0) as usize);
            }
        }
        'b' => {
            let bits = a.to_bits();
            let mut exp = ((bits >> 52) & 0x7FF) as i64;
            let mut mant = bits & ((1 << 52) - 1);
            if exp == 0 {
                exp = 1;
            } else {
                mant |= 1 << 52;
            }
            exp -= 1023 + 52;
            let _ = write!(out, "{mant}p{}{}", if exp >= 0 { "+" } else { "" }, exp);
        }
        _ => {
            // %x / %X: hexadecimal mantissa and binary exponent.
            out.push_str(&hex_float(a, prec, verb == 'X'));
        }
    }
    out
}

/// Decimal digits of `a` (non-negative, finite) without trailing zeros and the decimal point
/// position: value = 0.d1d2... × 10^dp. `sig` rounds to that many significant digits.
fn decimal_digits(a: f64, sig: Option<usize>) -> (Vec<u8>, i32) {
    if a == 0.0 {
        return (vec![], 0);
    }
    let s = match sig {
        Some(n) => format!("{:.*e}", n.max(1) - 1, a),
        None => format!("{a:e}"),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digs: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digs.last() == Some(&b'0') {
        digs.pop();
    }
    (digs, exp + 1)
}

fn fmt_e(out: &mut String, digs: &[u8], dp: i32, prec: usize, verb: char) {
    out.push(*digs.first().unwrap_or(&b'0') as char);
    if prec > 0 {
        out.push('.');
        for k in 1..=prec {
            out.push(*digs.get(k).unwrap_or(&b'0') as char);
        }
    }
    out.push(verb);
    let exp = if digs.is_empty() { 0 } else { dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exp.unsigned_abs());
}

fn fmt_f(out: &mut String, digs: &[u8], dp: i32, prec: usize) {
    if dp > 0 {
        for k in 0..dp as usize {
            out.push(*digs.get(k).unwrap_or(&b'0') as char);
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for k in 0..prec as i32 {
            let idx = dp + k;
            let c = if idx < 0 {
                b'0'
            } else {
                *digs.get(idx as usize).unwrap_or(&b'0')
            };
            out.push(c as char);
        }
    }
}

fn hex_float(a: f64, prec: Option<usize>, upper: bool) -> String {
    if a == 0.0 {
        let mut s = String::from("0x0");
        if let Some(p) = prec.filter(|p| *p > 0) {
            s.push('.');
            s.extend(std::iter::repeat_n('0', p));
        }
        s.push_str("p+00");
        return if upper { s.to_uppercase() } else { s };
    }
    let bits = a.to_bits();
    let mut exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        // subnormal: normalise
        exp = -1022;
        while mant & (1 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
        mant &= (1 << 52) - 1;
    } else {
        exp -= 1023;
    }
    // 52 bits of fraction = 13 hex digits.
    let mut frac = mant;
    let mut ndig = 13usize;
    let mut lead = 1u64;
    if let Some(p) = prec {
        if p < 13 {
            let shift = (13 - p) * 4;
            let half = 1u64 << (shift - 1);
            let rem = frac & ((1u64 << shift) - 1);
            frac >>= shift;
            if rem > half || (rem == half && frac & 1 == 1) {
                frac += 1;
                if frac >> (p * 4) != 0 {
                    frac &= (1u64 << (p * 4)) - 1;
                    lead += 1;
                    if lead == 2 {
                        lead = 1;
                        exp += 1;
                    }
                }
            }
            ndig = p;
        }
    }
    let mut digits = if ndig > 0 {
        format!("{frac:0ndig$x}")
    } else {
        String::new()
    };
    if prec.is_none() {
        while digits.ends_with('0') {
            digits.pop();
        }
    } else if let Some(p) = prec {
        while digits.len() < p {
            digits.push('0');
        }
    }
    let mut s = format!("0x{lead}");
    if !digits.is_empty() {
        s.push('.');
        s.push_str(&digits);
    }
    let _ = write!(
        s,
        "p{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

fn parsenum(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > 1_000_000 {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as usize;
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

fn parse_arg_number(f: &[u8]) -> (usize, usize, bool) {
    if f.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..f.len() {
        if f[i] == b']' {
            let (width, ok, newi) = parsenum(f, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            if width == 0 {
                // Go: index -1, which is out of range.
                return (usize::MAX, i + 1, true);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= a.len() {
        return (0, false, arg_num);
    }
    let (n, ok) = match &a[arg_num] {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&n) {
        return (0, false, arg_num + 1);
    }
    (n, ok, arg_num + 1)
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_print(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !matches!(
        get_general_category(c),
        G::Control
            | G::Format
            | G::Surrogate
            | G::PrivateUse
            | G::Unassigned
            | G::SpaceSeparator
            | G::LineSeparator
            | G::ParagraphSeparator
    )
}

/// `strconv.Quote` (`quote` = `"`) and `QuoteRune` (`'`); `ascii` escapes all non-ASCII.
pub(crate) fn append_quote(out: &mut String, s: &str, quote: char, ascii: bool) {
    out.push(quote);
    // Runs of printable ASCII other than the quote and `\` are copied as they are.
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'\\' && char::from(b) != quote;
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest.bytes().position(|b| !plain(b)).unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        if c == quote || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        if ascii {
            if c.is_ascii() && is_print(c) {
                out.push(c);
                continue;
            }
        } else if is_print(c) {
            out.push(c);
            continue;
        }
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_g_of_whole_numbers() {
        let g = |v: f64| format_float(v, 'g', None);
        assert_eq!(g(0.0), "0");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(-5.0), "-5");
        assert_eq!(g(999_999.0), "999999");
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(1_234_567.0), "1.234567e+06");
        assert_eq!(g(0.5), "0.5");
        assert_eq!(sprint(&[Value::Float(443.0), Value::Float(-0.0)]), "443 -0");
    }

    #[test]
    fn quotes_like_strconv() {
        assert_eq!(quote("plain text"), "\"plain text\"");
        assert_eq!(
            quote("a\"b\\c\n\u{7}é\u{2028}\u{10ffff}"),
            r#""a\"b\\c\n\aé\u2028\U0010ffff""#
        );
        assert_eq!(
            sprintf("%+q|%q|%5q", &["é".into(), "it's".into(), "x".into()]),
            r#""\u00e9"|"it's"|  "x""#
        );
    }
}
