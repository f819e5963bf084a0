//! The RSA public operation with AVX-512 IFMA, on CPUs that have it (Intel since Ice Lake, AMD
//! since Zen 4). It is several times faster than the 64-bit Montgomery code in the parent module,
//! which remains the path everywhere else.
//!
//! Numbers are held as 52-bit limbs, eight to a 512-bit vector: `vpmadd52luq`/`vpmadd52huq`
//! multiply eight limb pairs and add the low or high 52 bits of each product into 64-bit lanes, so
//! carries can wait in the spare 12 bits of every lane and are propagated once per product. The
//! product is "almost Montgomery": a·b·R⁻¹ mod n, below 2n, with R = 2^(52·L) ≥ 4n for L limbs,
//! which lets it feed the next product without a final subtraction.
//!
//! This is the only unsafe code in kots-core: the intrinsics need the CPU features, which
//! [`IfmaModulus::new`] checks before any instance exists, and unaligned vector loads and stores
//! from limb slices whose lengths are checked where they are made.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    _mm512_add_epi64, _mm512_alignr_epi64, _mm512_castsi512_si128, _mm512_loadu_si512,
    _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_maskz_set1_epi64, _mm512_set1_epi64,
    _mm512_setzero_si512, _mm512_storeu_si512, _mm_cvtsi128_si64,
};

use rsa::BigUint;

use super::{less_than, neg_inverse};

/// Moduli up to 10 vectors of 8 limbs (4,158 bits) take this path.
const MAX_VECTORS: usize = 10;
const MAX_LIMBS: usize = 8 * MAX_VECTORS;
const MASK: u64 = (1 << 52) - 1;

type Limbs = [u64; MAX_LIMBS];

/// An odd modulus prepared for IFMA arithmetic.
#[derive(Debug, Clone)]
pub(super) struct IfmaModulus {
    /// Limbs in use, L: a multiple of 8.
    len: usize,
    n: Limbs,
    /// -n⁻¹ mod 2⁵².
    k0: u64,
    /// R² mod n, to enter the Montgomery domain.
    r2: Limbs,
}

/// The 52-bit little-endian limbs of a big-endian byte string that fits in them.
fn limbs_from_be(bytes: &[u8]) -> Limbs {
    let mut out = [0u64; MAX_LIMBS];
    for (i, byte) in bytes.iter().rev().enumerate() {
        let bit = 8 * i;
        let (limb, shift) = (bit / 52, bit % 52);
        out[limb] |= (u64::from(*byte) << shift) & MASK;
        if shift > 44 {
            out[limb + 1] |= u64::from(*byte) >> (52 - shift);
        }
    }
    out
}

/// The `len` big-endian bytes of normalised 52-bit limbs.
fn limbs_to_be(limbs: &[u64], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (i, byte) in out.iter_mut().rev().enumerate() {
        let bit = 8 * i;
        let (limb, shift) = (bit / 52, bit % 52);
        let mut value = limbs.get(limb).map_or(0, |l| l >> shift);
        if shift > 44 {
            value |= limbs.get(limb + 1).map_or(0, |l| l << (52 - shift));
        }
        *byte = value as u8;
    }
    out
}

impl IfmaModulus {
    /// `None` when the CPU lacks AVX-512 IFMA, or the modulus is even or too long.
    pub(super) fn new(n: &BigUint) -> Option<IfmaModulus> {
        let supported =
            is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512ifma");
        let vectors = (n.bits() + 2).div_ceil(52 * 8);
        if !supported || vectors > MAX_VECTORS {
            return None;
        }
        let len = 8 * vectors;
        let limbs = limbs_from_be(&n.to_bytes_be());
        if limbs[0] & 1 == 0 {
            return None;
        }
        let r2 = (BigUint::from(1u8) << (2 * 52 * len)) % n;
        Some(IfmaModulus {
            len,
            n: limbs,
            k0: neg_inverse(limbs[0]) & MASK,
            r2: limbs_from_be(&r2.to_bytes_be()),
        })
    }

    /// s^exponent mod n for exponent > 0 and a signature s as long as the modulus, as big-endian
    /// bytes of that length; `None` when s ≥ n or s is longer than the limbs.
    pub(super) fn pow(&self, signature: &[u8], exponent: u64) -> Option<Vec<u8>> {
        if signature.len() * 8 > 52 * self.len {
            return None;
        }
        let s = limbs_from_be(signature);
        if !less_than(&s[..self.len], &self.n[..self.len]) {
            return None;
        }
        // SAFETY: an IfmaModulus exists only where `new` found AVX-512F and IFMA.
        let m = unsafe { self.pow_ifma(&s, exponent) };
        Some(limbs_to_be(&m[..self.len], signature.len()))
    }

    /// Dispatches on the number of vectors, so that each size's loops unroll and its operands
    /// stay in registers.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn pow_ifma(&self, s: &Limbs, exponent: u64) -> Limbs {
        match self.len / 8 {
            1 => self.pow_n::<1>(s, exponent),
            2 => self.pow_n::<2>(s, exponent),
            3 => self.pow_n::<3>(s, exponent),
            4 => self.pow_n::<4>(s, exponent),
            5 => self.pow_n::<5>(s, exponent),
            6 => self.pow_n::<6>(s, exponent),
            7 => self.pow_n::<7>(s, exponent),
            8 => self.pow_n::<8>(s, exponent),
            9 => self.pow_n::<9>(s, exponent),
            _ => self.pow_n::<MAX_VECTORS>(s, exponent),
        }
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn pow_n<const V: usize>(&self, s: &Limbs, exponent: u64) -> Limbs {
        let mut base = [0u64; MAX_LIMBS];
        self.amm::<V>(s, &self.r2, &mut base);
        let (mut acc, mut tmp) = (base, [0u64; MAX_LIMBS]);
        for bit in (0..63 - exponent.leading_zeros()).rev() {
            self.amm::<V>(&acc, &acc, &mut tmp);
            if (exponent >> bit) & 1 == 1 {
                self.amm::<V>(&tmp, &base, &mut acc);
            } else {
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        // Leaving the domain: acc·1·R⁻¹ is at most n, and n itself only for 0.
        let mut one = [0u64; MAX_LIMBS];
        one[0] = 1;
        self.amm::<V>(&acc, &one, &mut tmp);
        if !less_than(&tmp[..self.len], &self.n[..self.len]) {
            let mut borrow = 0u64;
            for (t, n) in tmp[..self.len].iter_mut().zip(&self.n) {
                let d = t.wrapping_sub(*n).wrapping_sub(borrow);
                *t = d & MASK;
                borrow = d >> 63;
            }
        }
        tmp
    }

    /// out = a·b·R⁻¹ mod n, below 2n, for a, b < 2n, normalised.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn amm<const V: usize>(&self, a: &Limbs, b: &Limbs, out: &mut Limbs) {
        let vectors = V;
        let zero = _mm512_setzero_si512();
        let (mut av, mut nv, mut acc) = ([zero; V], [zero; V], [zero; V]);
        for v in 0..vectors {
            // SAFETY: v < V ≤ MAX_VECTORS, so the 8 limbs from 8v are inside the arrays.
            unsafe {
                av[v] = _mm512_loadu_si512(a[8 * v..].as_ptr().cast());
                nv[v] = _mm512_loadu_si512(self.n[8 * v..].as_ptr().cast());
            }
        }
        for &bi in &b[..8 * V] {
            let bv = _mm512_set1_epi64(bi as i64);
            for v in 0..vectors {
                acc[v] = _mm512_madd52lo_epu64(acc[v], av[v], bv);
            }
            // y makes the lowest limb divisible by 2⁵²; its carry moves down with the shift.
            let t0 = _mm_cvtsi128_si64(_mm512_castsi512_si128(acc[0])) as u64;
            let y = t0.wrapping_mul(self.k0) & MASK;
            let carry = (t0 + (y.wrapping_mul(self.n[0]) & MASK)) >> 52;
            let yv = _mm512_set1_epi64(y as i64);
            for v in 0..vectors {
                acc[v] = _mm512_madd52lo_epu64(acc[v], nv[v], yv);
            }
            // Divide by 2⁵²: every lane moves down one place.
            for v in 0..vectors - 1 {
                acc[v] = _mm512_alignr_epi64::<1>(acc[v + 1], acc[v]);
            }
            acc[vectors - 1] = _mm512_alignr_epi64::<1>(zero, acc[vectors - 1]);
            acc[0] = _mm512_add_epi64(acc[0], _mm512_maskz_set1_epi64(1, carry as i64));
            // The high halves weigh one limb more, which after the shift is the same lane.
            for v in 0..vectors {
                acc[v] = _mm512_madd52hi_epu64(acc[v], av[v], bv);
                acc[v] = _mm512_madd52hi_epu64(acc[v], nv[v], yv);
            }
        }
        for v in 0..vectors {
            // SAFETY: as for the loads.
            unsafe { _mm512_storeu_si512(out[8 * v..].as_mut_ptr().cast(), acc[v]) };
        }
        // Lanes hold up to 4·L·2⁵² < 2⁶¹; propagate the carries once.
        let mut carry = 0u64;
        for limb in &mut out[..8 * V] {
            let t = *limb + carry;
            *limb = t & MASK;
            carry = t >> 52;
        }
    }
}
