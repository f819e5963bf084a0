//! sprig's random functions — `randAlphaNum`, `randAlpha`, `randAscii`, `randNumeric`
//! (goutils' `CryptoRandom*`), `randBytes`, `uuidv4`, `shuffle` (xstrings) — drawing from the
//! render's [`Random`] provider, so a seeded render repeats exactly. The character sets and
//! distributions are sprig's; the values cannot match Go's, whose randomness is not seedable.

use super::super::funcs::{CallContext, FuncError, FuncMap, Random, Ty};
use super::super::value::Value;
use super::encoding::b64_encode;
use super::gostr::{is_digit, is_letter};
use super::{add, int_arg, str_arg};

/// Registers the random functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Int, String as S};
    add(map, "randAlphaNum", &[Int], None, |ctx, a| {
        random_string(ctx, int_arg(a, 0), Class::AlphaNum)
    });
    add(map, "randAlpha", &[Int], None, |ctx, a| {
        random_string(ctx, int_arg(a, 0), Class::Alpha)
    });
    add(map, "randAscii", &[Int], None, |ctx, a| {
        random_string(ctx, int_arg(a, 0), Class::Ascii)
    });
    add(map, "randNumeric", &[Int], None, |ctx, a| {
        random_string(ctx, int_arg(a, 0), Class::Numeric)
    });
    add(map, "randBytes", &[Int], None, |ctx, a| {
        let count = int_arg(a, 0);
        if count < 0 {
            return Err(FuncError::failed(
                "runtime error: makeslice: len out of range",
            ));
        }
        ctx.check_len("randBytes", count as u64)?;
        let mut buf = vec![0u8; count as usize];
        ctx.random.fill(&mut buf);
        Ok(b64_encode(&buf).into())
    });
    add(map, "uuidv4", &[], None, |ctx, _| {
        Ok(uuid_v4(ctx.random).into())
    });
    add(map, "shuffle", &[S], None, |ctx, a| {
        let mut runes: Vec<char> = str_arg(a, 0).chars().collect();
        for i in (1..runes.len()).rev() {
            let j = ctx.random.below(i as u64 + 1) as usize;
            runes.swap(i, j);
        }
        Ok(runes.into_iter().collect::<String>().into())
    });
}

#[derive(Clone, Copy)]
enum Class {
    AlphaNum,
    Alpha,
    Ascii,
    Numeric,
}

/// goutils' `CryptoRandom`: draws from `' '..='z'` (or `' '..='~'` for ASCII) and keeps the
/// runes of the class. A negative count is an error sprig ignores, giving "".
fn random_string(ctx: &mut CallContext<'_>, count: i64, class: Class) -> Result<Value, FuncError> {
    if count <= 0 {
        return Ok("".into());
    }
    ctx.check_len("random string", count as u64)?;
    let (start, end) = match class {
        Class::Ascii => (32u64, 127u64),
        _ => (u64::from(b' '), u64::from(b'z') + 1),
    };
    let keep = |c: char| match class {
        Class::AlphaNum => is_letter(c) || is_digit(c),
        Class::Alpha => is_letter(c),
        Class::Numeric => is_digit(c),
        Class::Ascii => true,
    };
    let mut out = String::with_capacity(count as usize);
    let mut left = count;
    while left > 0 {
        let c = char::from((start + ctx.random.below(end - start)) as u8);
        if keep(c) {
            out.push(c);
            left -= 1;
        }
    }
    Ok(out.into())
}

/// A random (version 4, RFC 4122 variant) UUID in its hyphenated lower-case form.
pub fn uuid_v4(random: &mut dyn Random) -> String {
    let mut b = [0u8; 16];
    random.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::funcs::with_test_context;
    use crate::template::{Limits, SeededRandom};

    fn run(f: impl FnOnce(&mut CallContext<'_>) -> Value) -> Value {
        with_test_context(7, &Limits::default(), f)
    }

    #[test]
    fn random_strings_have_the_class_and_length() {
        let s = run(|ctx| random_string(ctx, 64, Class::AlphaNum).unwrap()).to_string();
        assert_eq!(s.len(), 64);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        let n = run(|ctx| random_string(ctx, 20, Class::Numeric).unwrap()).to_string();
        assert!(n.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(
            run(|ctx| random_string(ctx, -1, Class::Alpha).unwrap()).to_string(),
            ""
        );
    }

    #[test]
    fn seeded_renders_repeat() {
        let a = run(|ctx| random_string(ctx, 16, Class::Ascii).unwrap()).to_string();
        let b = run(|ctx| random_string(ctx, 16, Class::Ascii).unwrap()).to_string();
        assert_eq!(a, b);
        let u = uuid_v4(&mut SeededRandom::new(1));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
