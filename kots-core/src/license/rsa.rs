//! RSA-PSS verification as Go's `rsa.VerifyPSS` with `PSSSaltLengthAuto` does it, and the RSA
//! global public keys KOTS embeds (`kotskinds pkg/crypto/signature.go PublicKeysRSA`).
//!
//! The `rsa` crate's PSS verifier needs the salt length up front; real licenses use the maximum
//! (238 bytes with MD5, 222 with SHA-256 for 2048-bit keys) and other signers may use another, so
//! EMSA-PSS-VERIFY (RFC 8017 §9.1.2) is done here with the salt length read from the encoded message.

use md5::Md5;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use sha2::digest::{Digest, FixedOutputReset};
use sha2::Sha256;

/// The RSA global keys KOTS embeds, as `(globalKeyId, environment, PKIX PEM)`. These are public keys
/// published in KOTS's source; a license's app key must be signed by one of them (or by a key the
/// caller trusts, see [`super::Verifier`]).
pub const GLOBAL_KEYS: [(&str, &str, &str); 3] = [
    (
        "1d3f7f6b50714fe7b895554dd65773b0",
        "Dev",
        "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAugyKfZV2gIDaY1Rzkjoo
fbNywGa04sGQIAqYwifMay2e2xzqRwswTRHQnr9SIWypkN86Cfn6QzOB8kkjERC1
DPNdsiKdjBFdcLaxxdyHgrXLgfdzhh6We+Lpq19JT5LCK3PXleZgt/a0aRBpIc1l
xKs57d8MTWUTVh3W3WYi6LbqAPScdmSiG7A145HhKXmmtZFEv4puE5dKmS5lkV2d
VU789XWrNFk74FKKHVwYMdppqAabB6cRBmU8YFiVEULOn+d1FtKRbO/vv/fbA9nX
PUG/1PgEQHogP+3cC4J7b7s9+kBmtHkpSq9x+OUu/5B+nT21dooS6adfQiI8iB/+
NQIDAQAB
-----END PUBLIC KEY-----
",
    ),
    (
        "bdee56560cfb43c9b28bf98eacafa646",
        "Production",
        "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwdSHE8v64QH/yELBoPBl
GanhS3AD5vMAaqLLFnftwjmDKrxWwqNB9w1GVJWb5gVLvt/UlE/k+HVr5HFdomVI
TMvnvxhD0UvNyGFuUbXBMvQPPW9joR48LcCBLZl+RZTqR5HRhsIbujiExRDnteaq
mU1jG/oVlQkRoyOYrObTeoD0BdcZAr2PdGvgvJvpZduZtrKvjvsSJEBYExoPtko+
8AqhMBAI+qX1/SMix21qpmYSYLNeqN2Pplna0p2MK8yyaHY8KSqTF90ZJF1+P0ZF
MLt6S8/6PIX9WD+vFqmDpW1GCkB+p2OfxsYiAIX1ej98Ck3hoPQnOuiFIovV8aFQ
bQIDAQAB
-----END PUBLIC KEY-----
",
    ),
    (
        "de2c275656d04b1bb0f15cf70f0ea2a2",
        "Staging",
        "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2hHg1HER6NYlsqBs+B+B
txibtctT6YB5kxgE1sz7UmVnlcLs+Olc4OZJwD4vLsEU60SVW0HRoTfaGaradv0R
GUIxlFRSOnzjZEMkm/YKL3sdPQigi2m9O0P5tC9LQvzk49dFg5HJxiLODCgWwJ9g
q3pGs8OaAc0dop/tqUE7WqQfHLWJdTPP5pVDLDWybfAO4OmgVmx+oVXdCfMVlOzu
num6SOF+eBuERXQGbEfnd6eSRVokWhfMCfXNPTYtq14DaK9tvX4uzHsub+Asn6UN
OBIAESJntpZfdDDrNqbfOQYql2rqx1lJtU7lVFbTQTkKhj4teInEGO6FvLzy0UE9
swIDAQAB
-----END PUBLIC KEY-----
",
    ),
];

/// Smallest key Go (1.24+) accepts for RSA operations.
const MIN_KEY_BITS: usize = 1024;

/// The PSS hash: MD5 for v1beta1 licenses, SHA-256 for v1beta2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PssHash {
    Md5,
    Sha256,
}

/// Parses an RSA public key as KOTS does: the first PEM block of the text (Go `pem.Decode`),
/// decoded as a PKIX SubjectPublicKeyInfo that must hold an RSA key.
pub(crate) fn parse_public_key_pem(text: &str) -> Result<RsaPublicKey, String> {
    let der = pem_block(text).ok_or("failed to decode public key PEM")?;
    let key = RsaPublicKey::from_public_key_der(&der)
        .map_err(|e| format!("failed to parse public key: {e}"))?;
    if key.n().bits() < MIN_KEY_BITS {
        return Err(format!(
            "RSA key of {} bits is below {MIN_KEY_BITS}",
            key.n().bits()
        ));
    }
    Ok(key)
}

/// The DER bytes of the first `-----BEGIN …-----` block, whatever its type, headers skipped.
pub(crate) fn pem_block(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----")?;
    let end_marker = format!("-----END {label}-----");
    let body = &rest[..rest.find(&end_marker)?];
    // RFC 1421 headers ("Proc-Type: ...") end with a blank line.
    let body = if body.contains(':') {
        body.split_once("\n\n").map_or(body, |(_, b)| b)
    } else {
        body
    };
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// Verifies an RSA-PSS signature over `message`, MGF1 with the same hash, salt length
/// auto-detected. Any malformed input is simply "not valid".
pub(crate) fn verify_pss(
    key: &RsaPublicKey,
    hash: PssHash,
    message: &[u8],
    signature: &[u8],
) -> bool {
    match hash {
        PssHash::Md5 => verify_with::<Md5>(key, message, signature),
        PssHash::Sha256 => verify_with::<Sha256>(key, message, signature),
    }
}

fn verify_with<D: Digest + FixedOutputReset>(
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let m_hash = D::digest(message);
    let mod_bits = key.n().bits();
    let k = mod_bits.div_ceil(8);
    if signature.len() != k {
        return false;
    }
    let s = BigUint::from_bytes_be(signature);
    if &s >= key.n() {
        return false;
    }
    let m = public_op(key.n(), key.e(), &s);
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    if m.len() > em_len {
        return false;
    }
    let mut em = vec![0u8; em_len];
    em[em_len - m.len()..].copy_from_slice(&m);
    emsa_pss_verify_auto::<D>(&m_hash, &mut em, em_bits)
}

/// `s^e mod n`, big-endian. The public exponent is small, so a square-and-multiply over 64-bit
/// Montgomery limbs is several times faster than `BigUint::modpow`. Odd moduli only (RSA's are);
/// anything else falls back to `modpow`.
fn public_op(n: &BigUint, e: &BigUint, s: &BigUint) -> Vec<u8> {
    let exponent = e.to_bytes_be().iter().try_fold(0u64, |acc, b| {
        acc.checked_mul(256).map(|a| a | u64::from(*b))
    });
    match (Montgomery::new(n), exponent) {
        (Some(mont), Some(exponent)) if exponent > 0 => mont.pow(s, exponent),
        _ => s.modpow(e, n).to_bytes_be(),
    }
}

/// Montgomery arithmetic modulo an odd `n` of `k` 64-bit limbs (little-endian), R = 2^(64k).
struct Montgomery {
    n: Vec<u64>,
    /// -n⁻¹ mod 2⁶⁴.
    n0_inv: u64,
    /// R² mod n, to enter the Montgomery domain.
    r2: Vec<u64>,
}

fn to_limbs(value: &BigUint, k: usize) -> Vec<u64> {
    let mut limbs = vec![0u64; k];
    for (i, chunk) in value.to_bytes_le().chunks(8).enumerate().take(k) {
        limbs[i] = chunk
            .iter()
            .rev()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    }
    limbs
}

impl Montgomery {
    fn new(n: &BigUint) -> Option<Montgomery> {
        let k = n.bits().div_ceil(64);
        let limbs = to_limbs(n, k);
        if limbs.first()? & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits of the inverse each step (1 → 64).
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(inv)));
        }
        let r2 = (BigUint::from(1u8) << (128 * k)) % n;
        Some(Montgomery {
            r2: to_limbs(&r2, k),
            n: limbs,
            n0_inv: inv.wrapping_neg(),
        })
    }

    /// a·b·R⁻¹ mod n (CIOS), for a, b < n.
    fn mul(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let k = self.n.len();
        let mut t = vec![0u64; k + 2];
        for &ai in a {
            let mut carry = 0u128;
            for (tj, bj) in t.iter_mut().zip(b) {
                let x = u128::from(*tj) + u128::from(ai) * u128::from(*bj) + carry;
                *tj = x as u64;
                carry = x >> 64;
            }
            let x = u128::from(t[k]) + carry;
            t[k] = x as u64;
            t[k + 1] = (x >> 64) as u64;
            let m = t[0].wrapping_mul(self.n0_inv);
            let mut carry = (u128::from(t[0]) + u128::from(m) * u128::from(self.n[0])) >> 64;
            for (j, nj) in self.n.iter().enumerate().skip(1) {
                let x = u128::from(t[j]) + u128::from(m) * u128::from(*nj) + carry;
                t[j - 1] = x as u64;
                carry = x >> 64;
            }
            let x = u128::from(t[k]) + carry;
            t[k - 1] = x as u64;
            t[k] = t[k + 1] + (x >> 64) as u64;
        }
        t.truncate(k + 1);
        self.subtract_once(t)
    }

    /// a²·R⁻¹ mod n, for a < n. The cross products are computed once and doubled, which makes a
    /// squaring (16 of the 19 steps of s^65537) about a quarter cheaper than [`Montgomery::mul`].
    fn square(&self, a: &[u64]) -> Vec<u64> {
        let k = self.n.len();
        let mut t = vec![0u64; 2 * k + 1];
        for (i, &ai) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (tj, aj) in t[2 * i + 1..i + k].iter_mut().zip(&a[i + 1..]) {
                let x = u128::from(*tj) + u128::from(ai) * u128::from(*aj) + carry;
                *tj = x as u64;
                carry = x >> 64;
            }
            t[i + k] = carry as u64;
        }
        let mut top = 0u64;
        for limb in &mut t {
            let next = *limb >> 63;
            *limb = (*limb << 1) | top;
            top = next;
        }
        let mut carry = 0u128;
        for (i, &ai) in a.iter().enumerate() {
            let square = u128::from(ai) * u128::from(ai);
            let low = u128::from(t[2 * i]) + (square & u128::from(u64::MAX)) + carry;
            t[2 * i] = low as u64;
            let high = u128::from(t[2 * i + 1]) + (square >> 64) + (low >> 64);
            t[2 * i + 1] = high as u64;
            carry = high >> 64;
        }
        t[2 * k] += carry as u64;
        self.reduce(t)
    }

    /// Montgomery reduction: t·R⁻¹ mod n for a 2k+1-limb t < n·R.
    fn reduce(&self, mut t: Vec<u64>) -> Vec<u64> {
        let k = self.n.len();
        // Each row's final carry waits in `pending` and joins the next row's top limb, instead
        // of rippling through the limbs above (a branchy loop that dominated the profile).
        let mut pending = 0u128;
        for i in 0..k {
            let m = t[i].wrapping_mul(self.n0_inv);
            let mut carry = 0u128;
            for (tj, nj) in t[i..i + k].iter_mut().zip(&self.n) {
                let x = u128::from(*tj) + u128::from(m) * u128::from(*nj) + carry;
                *tj = x as u64;
                carry = x >> 64;
            }
            let x = u128::from(t[i + k]) + carry + pending;
            t[i + k] = x as u64;
            pending = x >> 64;
        }
        t[2 * k] += pending as u64;
        self.subtract_once(t.split_off(k))
    }

    /// Brings a k+1-limb value below 2n under n, as k limbs.
    fn subtract_once(&self, mut t: Vec<u64>) -> Vec<u64> {
        let k = self.n.len();
        if t[k] != 0 || !less_than(&t[..k], &self.n) {
            let mut borrow = 0u64;
            for (tj, nj) in t.iter_mut().zip(&self.n) {
                let (d1, b1) = tj.overflowing_sub(*nj);
                let (d2, b2) = d1.overflowing_sub(borrow);
                *tj = d2;
                borrow = u64::from(b1 || b2);
            }
        }
        t.truncate(k);
        t
    }

    /// s^exponent mod n, big-endian, for s < n and exponent > 0.
    fn pow(&self, s: &BigUint, exponent: u64) -> Vec<u8> {
        let k = self.n.len();
        let base = self.mul(&to_limbs(s, k), &self.r2);
        let mut acc = base.clone();
        for bit in (0..63 - exponent.leading_zeros()).rev() {
            acc = self.square(&acc);
            if (exponent >> bit) & 1 == 1 {
                acc = self.mul(&acc, &base);
            }
        }
        // Leaving the Montgomery domain is a reduction of acc alone.
        acc.resize(2 * k + 1, 0);
        let result = self.reduce(acc);
        let bytes: Vec<u8> = result
            .iter()
            .flat_map(|limb| limb.to_le_bytes())
            .rev()
            .collect();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        bytes[first..].to_vec()
    }
}

/// a < b for little-endian limb slices of equal length.
fn less_than(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// RFC 8017 §9.1.2 steps 3–14 with the salt length taken from the position of the 0x01 separator
/// (Go's `PSSSaltLengthAuto`).
fn emsa_pss_verify_auto<D: Digest + FixedOutputReset>(
    m_hash: &[u8],
    em: &mut [u8],
    em_bits: usize,
) -> bool {
    let h_len = m_hash.len();
    let em_len = em.len();
    if em_len < h_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let (db, rest) = em.split_at_mut(em_len - h_len - 1);
    let h = &rest[..h_len];
    let unused_bits = 8 * em_len - em_bits;
    let top_mask = 0xffu8.checked_shr(unused_bits as u32).unwrap_or(0);
    if db[0] & !top_mask != 0 {
        return false;
    }
    mgf1_xor::<D>(db, h);
    db[0] &= top_mask;
    let Some(separator) = db.iter().position(|&b| b != 0) else {
        return false;
    };
    if db[separator] != 0x01 {
        return false;
    }
    let salt = &db[separator + 1..];
    let mut hasher = D::new();
    Digest::update(&mut hasher, [0u8; 8]);
    Digest::update(&mut hasher, m_hash);
    Digest::update(&mut hasher, salt);
    hasher.finalize_reset().as_slice() == h
}

/// XORs `out` with MGF1(seed) using the hash D.
fn mgf1_xor<D: Digest + FixedOutputReset>(out: &mut [u8], seed: &[u8]) {
    let mut hasher = D::new();
    for (counter, chunk) in out.chunks_mut(<D as Digest>::output_size()).enumerate() {
        Digest::update(&mut hasher, seed);
        Digest::update(&mut hasher, (counter as u32).to_be_bytes());
        let block = hasher.finalize_reset();
        for (o, b) in chunk.iter_mut().zip(block.iter()) {
            *o ^= b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_matches_modpow() {
        let key = parse_public_key_pem(GLOBAL_KEYS[1].2).unwrap();
        let mut x = BigUint::from(0x1234_5678_9abc_def1u64);
        for round in 0..64u32 {
            // Walk through values of every size below n, edge values included.
            x = (&x * &x + BigUint::from(round)) % key.n();
            let cases = [
                x.clone(),
                BigUint::from(1u8),
                key.n() - BigUint::from(1u8),
                BigUint::from(0u8),
            ];
            for s in cases {
                for e in [3u64, 65537, 1, 2, (1 << 33) - 1] {
                    let want = s.modpow(&BigUint::from(e), key.n()).to_bytes_be();
                    let want = if want == [0] { Vec::new() } else { want };
                    assert_eq!(
                        public_op(key.n(), &BigUint::from(e), &s),
                        want,
                        "s={s} e={e}"
                    );
                }
            }
        }
    }
}
