//! sprig's `b64enc`/`b64dec`/`b32enc`/`b32dec`: Go's `encoding/base64` and `encoding/base32`
//! standard encodings, with padding. On bad input the decoders return Go's error text
//! (`illegal base64 data at input byte 4`) as the result, as sprig does.

use super::super::funcs::{FuncMap, Ty};
use super::{add, str_arg};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Registers the encoding functions.
pub fn register(map: &mut FuncMap) {
    use Ty::String as S;
    add(map, "b64enc", &[S], None, |_, a| {
        Ok(b64_encode(str_arg(a, 0).as_bytes()).into())
    });
    add(map, "b64dec", &[S], None, |_, a| {
        Ok(text(b64_decode(str_arg(a, 0).as_bytes()), "base64").into())
    });
    add(map, "b32enc", &[S], None, |_, a| {
        Ok(b32_encode(str_arg(a, 0).as_bytes()).into())
    });
    add(map, "b32dec", &[S], None, |_, a| {
        Ok(text(b32_decode(str_arg(a, 0).as_bytes()), "base32").into())
    });
}

/// The decoded bytes as a string, or Go's `CorruptInputError` text.
fn text(decoded: Result<Vec<u8>, usize>, what: &str) -> String {
    match decoded {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(at) => format!("illegal {what} data at input byte {at}"),
    }
}

/// `base64.StdEncoding.EncodeToString`.
pub fn b64_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(3) * 4);
    for chunk in src.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|&x| x == c).map(|p| p as u32)
}

/// `base64.StdEncoding.DecodeString`; the error is the offset Go reports.
pub fn b64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut buf = [0u32; 4];
        let mut len = 4;
        let mut j = 0;
        let mut trailing = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                buf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                si = skip_newlines(src, si);
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            si = skip_newlines(src, si);
            if si < src.len() {
                trailing = Some(si);
            }
            len = j;
            break;
        }
        let n = buf[0] << 18 | buf[1] << 12 | buf[2] << 6 | buf[3];
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..len - 1]);
        if let Some(at) = trailing {
            return Err(at);
        }
        if len < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

fn skip_newlines(src: &[u8], mut si: usize) -> usize {
    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
        si += 1;
    }
    si
}

/// `base32.StdEncoding.EncodeToString`.
pub fn b32_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(5) * 8);
    for chunk in src.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(char::from(B32[(n >> (35 - 5 * i) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32.StdEncoding.DecodeString` (newlines are removed first, so offsets ignore them).
pub fn b32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = input
        .iter()
        .copied()
        .filter(|&c| c != b'\n' && c != b'\r')
        .collect();
    let olen = src.len();
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut rest = &src[..];
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut buf = [0u8; 8];
        let mut len = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(olen - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(olen - rest.len() + k - 1);
                    }
                }
                len = j;
                end = true;
                if matches!(len, 1 | 3 | 6) {
                    return Err(olen - rest.len() - 1);
                }
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(v) => buf[j] = v as u8,
                None => return Err(olen - rest.len() - 1),
            }
            j += 1;
        }
        let n = buf.iter().fold(0u64, |acc, &x| acc << 5 | u64::from(x));
        let bytes = n.to_be_bytes();
        let produced = match len {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            _ => 1,
        };
        out.extend_from_slice(&bytes[3..3 + produced]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_errors() {
        assert_eq!(b64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(b64_encode(b""), "");
        assert_eq!(b64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(b64_decode(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(
            text(b64_decode(b"aGVsbG8"), "base64"),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(b64_decode(b"a!==").unwrap_err(), 1);
        assert_eq!(b64_decode(b"aGVsbG8=x").unwrap_err(), 8);
        assert_eq!(b64_decode(b"aA=").unwrap_err(), 3);
    }

    #[test]
    fn base32_round_trip_and_errors() {
        assert_eq!(b32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(b32_encode(b"hi"), "NBUQ====");
        assert_eq!(b32_decode(b"NBSWY3DP").unwrap(), b"hello");
        assert_eq!(b32_decode(b"NBUQ====").unwrap(), b"hi");
        assert_eq!(b32_decode(b"NBU").unwrap_err(), 0);
        assert_eq!(b32_decode(b"NB!Q====").unwrap_err(), 2);
    }
}
