//! RSA-PSS verification as Go's `rsa.VerifyPSS` with `PSSSaltLengthAuto` does it, and the RSA
//! global public keys KOTS embeds (`kotskinds pkg/crypto/signature.go PublicKeysRSA`).
//!
//! The `rsa` crate's PSS verifier needs the salt length up front; real licenses use the maximum
//! (238 bytes with MD5, 222 with SHA-256 for 2048-bit keys) and other signers may use another, so
//! EMSA-PSS-VERIFY (RFC 8017 §9.1.2) is done here with the salt length read from the encoded message.

#[cfg(target_arch = "x86_64")]
mod ifma;

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

/// An RSA public key prepared for verification: its Montgomery constants are computed once, when
/// the key is parsed, not for every signature.
#[derive(Debug, Clone)]
pub(crate) struct RsaKey {
    key: RsaPublicKey,
    arithmetic: Arithmetic,
}

/// How `s^e mod n` is computed for a key.
#[derive(Debug, Clone)]
enum Arithmetic {
    /// AVX-512 IFMA, where the CPU has it.
    #[cfg(target_arch = "x86_64")]
    Ifma(Box<ifma::IfmaModulus>, u64),
    /// 64-bit Montgomery arithmetic.
    Montgomery(Montgomery, u64),
    /// `BigUint::modpow`, for keys outside the fast paths (even or over-long modulus, exponent
    /// over 64 bits).
    BigUint,
}

impl RsaKey {
    /// Parses an RSA public key as KOTS does: the first PEM block of the text (Go `pem.Decode`),
    /// decoded as a PKIX SubjectPublicKeyInfo that must hold an RSA key.
    pub(crate) fn from_pem(text: &str) -> Result<RsaKey, String> {
        let der = pem_block(text).ok_or("failed to decode public key PEM")?;
        let key = RsaPublicKey::from_public_key_der(&der)
            .map_err(|e| format!("failed to parse public key: {e}"))?;
        if key.n().bits() < MIN_KEY_BITS {
            return Err(format!(
                "RSA key of {} bits is below {MIN_KEY_BITS}",
                key.n().bits()
            ));
        }
        let exponent = key.e().to_bytes_be().iter().try_fold(0u64, |acc, b| {
            acc.checked_mul(256).map(|a| a | u64::from(*b))
        });
        let arithmetic = match exponent {
            Some(e) if e > 0 => Arithmetic::fastest(key.n(), e),
            _ => Arithmetic::BigUint,
        };
        Ok(RsaKey { key, arithmetic })
    }

    /// Verifies an RSA-PSS signature over `message`, MGF1 with the same hash, salt length
    /// auto-detected. Any malformed input is simply "not valid".
    pub(crate) fn verify_pss(&self, hash: PssHash, message: &[u8], signature: &[u8]) -> bool {
        match hash {
            PssHash::Md5 => self.verify_with::<Md5>(message, signature),
            PssHash::Sha256 => self.verify_with::<Sha256>(message, signature),
        }
    }

    fn verify_with<D: Digest + FixedOutputReset>(&self, message: &[u8], signature: &[u8]) -> bool {
        let mod_bits = self.key.n().bits();
        let k = mod_bits.div_ceil(8);
        if signature.len() != k {
            return false;
        }
        let Some(mut m) = self.public_op(signature) else {
            return false;
        };
        // m is k bytes; EM is its last emLen bytes, and any byte before them must be zero.
        let em_bits = mod_bits - 1;
        let em_len = em_bits.div_ceil(8);
        let (excess, em) = m.split_at_mut(k - em_len);
        if excess.iter().any(|&b| b != 0) {
            return false;
        }
        emsa_pss_verify_auto::<D>(&D::digest(message), em, em_bits)
    }

    /// `s^e mod n` as k big-endian bytes for a k-byte signature s, or `None` when s ≥ n.
    fn public_op(&self, signature: &[u8]) -> Option<Vec<u8>> {
        match &self.arithmetic {
            #[cfg(target_arch = "x86_64")]
            Arithmetic::Ifma(modulus, e) => modulus.pow(signature, *e),
            Arithmetic::Montgomery(mont, e) => mont.pow(signature, *e),
            Arithmetic::BigUint => modpow_be(signature, self.key.e(), self.key.n()),
        }
    }
}

impl Arithmetic {
    fn fastest(n: &BigUint, e: u64) -> Arithmetic {
        #[cfg(target_arch = "x86_64")]
        if let Some(modulus) = ifma::IfmaModulus::new(n) {
            return Arithmetic::Ifma(Box::new(modulus), e);
        }
        match Montgomery::new(n) {
            Some(mont) => Arithmetic::Montgomery(mont, e),
            None => Arithmetic::BigUint,
        }
    }
}

/// `s^e mod n` by `BigUint::modpow`, as big-endian bytes as long as `s`; `None` when s ≥ n.
fn modpow_be(s: &[u8], e: &BigUint, n: &BigUint) -> Option<Vec<u8>> {
    let base = BigUint::from_bytes_be(s);
    (&base < n).then(|| be_bytes(&base.modpow(e, n), s.len()))
}

/// `value` as `len` big-endian bytes (it must fit).
fn be_bytes(value: &BigUint, len: usize) -> Vec<u8> {
    let bytes = value.to_bytes_be();
    let mut out = vec![0u8; len];
    out[len - bytes.len()..].copy_from_slice(&bytes);
    out
}

/// -n⁻¹ mod 2⁶⁴ for an odd n0 (the lowest limb of n): Newton's iteration doubles the correct low
/// bits of the inverse each step (1 → 64).
fn neg_inverse(n0: u64) -> u64 {
    let mut inv = 1u64;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// See [`super::rsa_pow_by_every_path`]; empty unless `s` is as long as `n` and `e > 0`.
pub(crate) fn pow_by_every_path(n: &[u8], s: &[u8], e: u64) -> Vec<Option<Vec<u8>>> {
    let n = BigUint::from_bytes_be(n);
    if e == 0 || s.len() != n.bits().div_ceil(8) {
        return Vec::new();
    }
    let mut results = vec![modpow_be(s, &BigUint::from(e), &n)];
    results.push(Montgomery::new(&n).and_then(|m| m.pow(s, e)));
    #[cfg(target_arch = "x86_64")]
    results.push(ifma::IfmaModulus::new(&n).and_then(|m| m.pow(s, e)));
    results
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

/// Moduli up to 4096 bits use fixed buffers on the stack; larger ones take `BigUint::modpow`.
const MAX_LIMBS: usize = 64;

/// Montgomery arithmetic modulo an odd `n` of `k` 64-bit limbs (little-endian), R = 2^(64k).
/// A public exponent is small, so square-and-multiply here is several times faster than
/// `BigUint::modpow`.
#[derive(Debug, Clone)]
struct Montgomery {
    n: Vec<u64>,
    /// -n⁻¹ mod 2⁶⁴.
    n0_inv: u64,
    /// R² mod n, to enter the Montgomery domain.
    r2: Vec<u64>,
}

/// The k little-endian limbs of a big-endian byte string of at most 8k bytes.
fn limbs_from_be(bytes: &[u8], out: &mut [u64]) {
    out.fill(0);
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks(8)) {
        *limb = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    }
}

impl Montgomery {
    fn new(n: &BigUint) -> Option<Montgomery> {
        let k = n.bits().div_ceil(64);
        if k > MAX_LIMBS {
            return None;
        }
        let mut limbs = vec![0u64; k];
        limbs_from_be(&n.to_bytes_be(), &mut limbs);
        if limbs.first()? & 1 == 0 {
            return None;
        }
        let mut r2 = vec![0u64; k];
        limbs_from_be(
            &((BigUint::from(1u8) << (128 * k)) % n).to_bytes_be(),
            &mut r2,
        );
        Some(Montgomery {
            r2,
            n0_inv: neg_inverse(limbs[0]),
            n: limbs,
        })
    }

    /// out = a·b·R⁻¹ mod n, for a, b < n. Each row's multiplication and reduction run in one loop
    /// (FIOS): their two carry chains are independent, so the CPU overlaps them.
    fn mul(&self, a: &[u64], b: &[u64], out: &mut [u64]) {
        let k = self.n.len();
        let (n, b) = (&self.n[..k], &b[..k]);
        let mut buf = [0u64; MAX_LIMBS + 1];
        let t = &mut buf[..k + 1];
        for &ai in &a[..k] {
            let x = u128::from(t[0]) + u128::from(ai) * u128::from(b[0]);
            let m = (x as u64).wrapping_mul(self.n0_inv);
            let y = u128::from(x as u64) + u128::from(m) * u128::from(n[0]);
            let (mut c1, mut c2) = (x >> 64, y >> 64);
            for j in 1..k {
                let x = u128::from(t[j]) + u128::from(ai) * u128::from(b[j]) + c1;
                c1 = x >> 64;
                let y = u128::from(x as u64) + u128::from(m) * u128::from(n[j]) + c2;
                c2 = y >> 64;
                t[j - 1] = y as u64;
            }
            // t stays below 2n, so the top limb is 0 or 1.
            let x = u128::from(t[k]) + c1 + c2;
            t[k - 1] = x as u64;
            t[k] = (x >> 64) as u64;
        }
        self.subtract_once(t, out);
    }

    /// out = a²·R⁻¹ mod n, for a < n. The cross products are computed once and doubled, which makes
    /// a squaring (16 of the 19 steps of s^65537) cheaper than [`Montgomery::mul`].
    fn square(&self, a: &[u64], out: &mut [u64]) {
        let k = self.n.len();
        let a = &a[..k];
        let mut buf = [0u64; 2 * MAX_LIMBS + 1];
        let t = &mut buf[..2 * k + 1];
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
        for limb in t.iter_mut() {
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
        self.reduce(t, out);
    }

    /// Montgomery reduction: out = t·R⁻¹ mod n for a 2k+1-limb t < n·R.
    fn reduce(&self, t: &mut [u64], out: &mut [u64]) {
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
        self.subtract_once(&t[k..], out);
    }

    /// out = t mod n for a k+1-limb t below 2n.
    fn subtract_once(&self, t: &[u64], out: &mut [u64]) {
        let k = self.n.len();
        out[..k].copy_from_slice(&t[..k]);
        if t[k] != 0 || !less_than(&t[..k], &self.n) {
            let mut borrow = 0u64;
            for (o, nj) in out[..k].iter_mut().zip(&self.n) {
                let (d1, b1) = o.overflowing_sub(*nj);
                let (d2, b2) = d1.overflowing_sub(borrow);
                *o = d2;
                borrow = u64::from(b1 || b2);
            }
        }
    }

    /// s^exponent mod n for exponent > 0 and a signature s as long as the modulus, as big-endian
    /// bytes of that length; `None` when s ≥ n or s is longer than the limbs.
    fn pow(&self, signature: &[u8], exponent: u64) -> Option<Vec<u8>> {
        let k = self.n.len();
        if signature.len() > 8 * k {
            return None;
        }
        let mut s = [0u64; MAX_LIMBS];
        let s = &mut s[..k];
        limbs_from_be(signature, s);
        if !less_than(s, &self.n) {
            return None;
        }
        let (mut base, mut acc, mut tmp) =
            ([0u64; MAX_LIMBS], [0u64; MAX_LIMBS], [0u64; MAX_LIMBS]);
        self.mul(s, &self.r2, &mut base);
        acc[..k].copy_from_slice(&base[..k]);
        for bit in (0..63 - exponent.leading_zeros()).rev() {
            self.square(&acc, &mut tmp);
            if (exponent >> bit) & 1 == 1 {
                self.mul(&tmp, &base, &mut acc);
            } else {
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        // Leaving the Montgomery domain is a reduction of acc alone.
        let mut wide = [0u64; 2 * MAX_LIMBS + 1];
        wide[..k].copy_from_slice(&acc[..k]);
        self.reduce(&mut wide[..2 * k + 1], &mut tmp);
        let bytes: Vec<u8> = tmp[..k]
            .iter()
            .rev()
            .flat_map(|l| l.to_be_bytes())
            .collect();
        Some(bytes[bytes.len() - signature.len()..].to_vec())
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

    /// A pseudo-random odd modulus of exactly `bits` bits.
    fn modulus(bits: usize, seed: u32) -> BigUint {
        let mut x = BigUint::from(0x9e37_79b9_7f4a_7c15u64 + u64::from(seed));
        while x.bits() < bits + 64 {
            x = &x * &x + BigUint::from(seed);
        }
        let top = BigUint::from(1u8) << (bits - 1);
        (x % &top) | top | BigUint::from(1u8)
    }

    /// Checks one backend's `pow` against `BigUint::modpow` over moduli of several sizes.
    fn matches_modpow(name: &str, pow: impl Fn(&BigUint, &[u8], u64) -> Option<Option<Vec<u8>>>) {
        let global = RsaPublicKey::from_public_key_der(&pem_block(GLOBAL_KEYS[1].2).unwrap());
        let moduli = [64, 600, 1024, 1025, 1100, 2047, 3072, 4096]
            .into_iter()
            .map(|bits| modulus(bits, bits as u32))
            .chain([global.unwrap().n().clone()]);
        for n in moduli {
            let len = n.bits().div_ceil(8);
            let be = |x: &BigUint| be_bytes(x, len);
            let mut x = BigUint::from(0x1234_5678_9abc_def1u64);
            for round in 0..24u32 {
                // Walk through values of every size below n, edge values included.
                x = (&x * &x + BigUint::from(round)) % &n;
                let cases = [x.clone(), BigUint::from(1u8), &n - 1u8, BigUint::from(0u8)];
                for s in cases {
                    for e in [3u64, 65537, 1, 2, (1 << 33) - 1] {
                        let want = be(&s.modpow(&BigUint::from(e), &n));
                        let Some(got) = pow(&n, &be(&s), e) else {
                            eprintln!("{name}: not available here");
                            return;
                        };
                        assert_eq!(got, Some(want), "{name}: n={n} s={s} e={e}");
                    }
                }
            }
            assert_eq!(pow(&n, &be(&n), 3), Some(None), "{name}: s = n is refused");
        }
    }

    #[test]
    fn montgomery_matches_modpow() {
        matches_modpow("montgomery", |n, s, e| {
            Some(Montgomery::new(n).expect("odd, short enough").pow(s, e))
        });
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ifma_matches_modpow() {
        matches_modpow("ifma", |n, s, e| {
            ifma::IfmaModulus::new(n).map(|m| m.pow(s, e))
        });
    }

    #[test]
    fn keys_outside_the_fast_path_use_modpow() {
        assert!(Montgomery::new(&(modulus(1100, 1) + 1u8)).is_none(), "even");
        assert!(
            Montgomery::new(&modulus(64 * MAX_LIMBS + 1, 2)).is_none(),
            "too long"
        );
    }
}
