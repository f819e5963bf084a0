//! The little DER (ASN.1) and PEM that sprig's key and certificate functions need: writing
//! certificates and key structures the way Go's `encoding/asn1` and `encoding/pem` write them,
//! and reading back the parts of a certificate or key that the `*WithKey` and `genSignedCert`
//! functions use.

use super::encoding::{b64_decode, b64_encode};

/// A DER element: tag and contents.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// A SEQUENCE of already-encoded elements.
pub fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|&b| b == 0).collect();
    let mut body = if trimmed.is_empty() { vec![0] } else { trimmed };
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(0x02, &body)
}

/// An OBJECT IDENTIFIER from its arcs.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
    for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend_from_slice(&chunk);
    }
    tlv(0x06, &body)
}

/// A BIT STRING with no unused bits.
pub fn bits(bytes: &[u8]) -> Vec<u8> {
    let mut body = vec![0];
    body.extend_from_slice(bytes);
    tlv(0x03, &body)
}

/// An OCTET STRING.
pub fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// Go's `asn1` string choice: PrintableString when every character allows it, else UTF8String.
pub fn go_string(s: &str) -> Vec<u8> {
    let printable = s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\''
                    | b'('
                    | b')'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'='
                    | b'?'
                    | b'*'
            )
    });
    tlv(if printable { 0x13 } else { 0x0c }, s.as_bytes())
}

/// `pem.EncodeToMemory`: base64 in 64-column lines.
pub fn pem(kind: &str, der: &[u8]) -> String {
    let b64 = b64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// `pem.Decode`: the type and bytes of the first PEM block.
pub fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let block = pem_blocks(text).next()?;
    Some((block.kind, block.der?))
}

/// One PEM block: its type, whether it has `Key: value` headers, and its bytes (`None` when the
/// body is not base64).
pub struct PemBlock {
    pub kind: String,
    pub has_headers: bool,
    pub der: Option<Vec<u8>>,
}

/// Every PEM block of `text`, in order, as repeated `pem.Decode` calls find them.
pub fn pem_blocks(mut text: &str) -> impl Iterator<Item = PemBlock> + '_ {
    std::iter::from_fn(move || {
        let start = text.find("-----BEGIN ")?;
        let after = &text[start + 11..];
        let kind_end = after.find("-----")?;
        let kind = &after[..kind_end];
        let body = &after[kind_end + 5..];
        let end_marker = format!("-----END {kind}-----");
        let end = body.find(&end_marker)?;
        text = &body[end + end_marker.len()..];
        let (headers, lines): (Vec<&str>, Vec<&str>) =
            body[..end].lines().partition(|l| l.contains(':'));
        Some(PemBlock {
            kind: kind.to_string(),
            has_headers: !headers.is_empty(),
            der: b64_decode(lines.concat().trim().as_bytes()).ok(),
        })
    })
}

/// A DER element read back: its tag, contents, and the whole encoding.
#[derive(Clone, Copy, Debug)]
pub struct Element<'a> {
    pub tag: u8,
    pub contents: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads the element at the start of `input`, returning it and what follows.
pub fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = len << 8 | usize::from(*input.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let raw = input.get(..end)?;
    Some((
        Element {
            tag,
            contents: &raw[header..],
            raw,
        },
        &input[end..],
    ))
}

/// The elements inside a constructed element.
pub fn children(contents: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    let mut rest = contents;
    while !rest.is_empty() {
        let (e, tail) = read(rest)?;
        out.push(e);
        rest = tail;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go_asn1() {
        assert_eq!(
            oid(&[1, 2, 840, 113_549, 1, 1, 11]),
            vec![6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]
        );
        assert_eq!(uint(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(uint(&[0, 0, 5]), vec![2, 1, 5]);
        assert_eq!(tlv(4, &[0; 200])[..3], [4, 0x81, 200]);
        assert_eq!(go_string("a.b")[0], 0x13);
        assert_eq!(go_string("a_b")[0], 0x0c);
    }

    #[test]
    fn pem_round_trip() {
        let text = pem("TEST", &[1, 2, 3]);
        assert_eq!(text, "-----BEGIN TEST-----\nAQID\n-----END TEST-----\n");
        assert_eq!(
            pem_decode(&text).unwrap(),
            ("TEST".to_string(), vec![1, 2, 3])
        );
        let encoded = seq(&[uint(&[7])]);
        let (e, rest) = read(&encoded).unwrap();
        assert!(rest.is_empty());
        assert_eq!(children(e.contents).unwrap()[0].contents, &[7]);
    }
}
