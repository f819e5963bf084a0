//! Differential: `s^e mod n` by AVX-512 IFMA (where the CPU has it), by 64-bit Montgomery and by
//! `BigUint::modpow` agree, for odd moduli of 1 to 511 bytes and any base below the modulus.
#![no_main]

use kots_core::license::rsa_pow_by_every_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<5>() else {
        return;
    };
    let e = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]).max(1));
    let len = 1 + 2 * usize::from(head[4]);
    if rest.len() < 2 * len {
        return;
    }
    let (mut n, mut s) = (rest[..len].to_vec(), rest[len..2 * len].to_vec());
    // A full-length odd modulus, and a base below it.
    n[0] |= 1;
    n[len - 1] |= 1;
    s[0] = s[0].min(n[0] - 1);
    let results = rsa_pow_by_every_path(&n, &s, e);
    let reference = &results[0];
    assert!(reference.is_some(), "s < n");
    for (path, result) in results.iter().enumerate().skip(1) {
        if result.is_some() {
            assert_eq!(
                result, reference,
                "path {path} differs: n={n:?} s={s:?} e={e}"
            );
        }
    }
});
