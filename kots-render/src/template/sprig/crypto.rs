//! sprig's hashing and secrets (crypto.go): `sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`,
//! `bcrypt`, `htpasswd`, `derivePassword` (Master Password), `encryptAES`/`decryptAES`.
//! Salts and IVs come from the render's [`Random`](super::super::funcs::Random) provider.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::super::funcs::{FuncError, FuncMap, Random, Ty};
use super::encoding::{b64_decode, b64_encode};
use super::{add, int_arg, str_arg};

/// Registers the crypto functions (the certificate ones live in `certs`).
pub fn register(map: &mut FuncMap) {
    use Ty::{Int, String as S};
    add(map, "sha1sum", &[S], None, |_, a| {
        Ok(hex(&Sha1::digest(str_arg(a, 0).as_bytes())).into())
    });
    add(map, "sha256sum", &[S], None, |_, a| {
        Ok(hex(&Sha256::digest(str_arg(a, 0).as_bytes())).into())
    });
    add(map, "sha512sum", &[S], None, |_, a| {
        Ok(hex(&Sha512::digest(str_arg(a, 0).as_bytes())).into())
    });
    add(map, "adler32sum", &[S], None, |_, a| {
        Ok(adler32(str_arg(a, 0).as_bytes()).to_string().into())
    });
    add(map, "bcrypt", &[S], None, |ctx, a| {
        Ok(bcrypt(str_arg(a, 0), ctx.random).into())
    });
    add(map, "htpasswd", &[S, S], None, |ctx, a| {
        let user = str_arg(a, 0);
        if user.contains(':') {
            return Ok(format!("invalid username: {user}").into());
        }
        Ok(format!("{user}:{}", bcrypt(str_arg(a, 1), ctx.random)).into())
    });
    add(map, "derivePassword", &[Int, S, S, S, S], None, |_, a| {
        let counter = int_arg(a, 0) as u32;
        Ok(derive_password(
            counter,
            str_arg(a, 1),
            str_arg(a, 2),
            str_arg(a, 3),
            str_arg(a, 4),
        )
        .into())
    });
    add(map, "encryptAES", &[S, S], None, |ctx, a| {
        Ok(encrypt_aes(str_arg(a, 0), str_arg(a, 1), ctx.random).into())
    });
    add(map, "decryptAES", &[S, S], None, |_, a| {
        decrypt_aes(str_arg(a, 0), str_arg(a, 1))
            .map(Into::into)
            .map_err(FuncError::Failed)
    });
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `hash/adler32.Checksum`.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

/// `bcrypt.GenerateFromPassword(input, 10)` in Go's `$2a$` form, or sprig's failure text.
fn bcrypt(password: &str, random: &mut dyn Random) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    let mut salt = [0u8; 16];
    random.fill(&mut salt);
    match bcrypt::hash_with_salt(password, 10, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// The templates of the Master Password algorithm, by password type.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// The characters a template letter stands for.
fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// sprig's `derivePassword`: the Master Password algorithm (scrypt key, HMAC-SHA256 seed).
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    const SEED: &[u8] = b"com.lyndir.masterpassword";
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut message = SEED.to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key) else {
        return "failed to derive password: invalid key".into();
    };
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    template
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_chars(c);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

/// The AES-256 key sprig derives from a password: its bytes, cut or zero-padded to 32.
fn aes_key(password: &str) -> Aes256 {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    Aes256::new(&key.into())
}

/// sprig's `encryptAES`: AES-256-CBC with PKCS#7 padding and a random IV, base64 of IV and
/// ciphertext.
fn encrypt_aes(password: &str, plaintext: &str, random: &mut dyn Random) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut out = vec![0u8; 16];
    random.fill(&mut out);
    let mut prev: [u8; 16] = out[..16].try_into().unwrap_or([0; 16]);
    for block in content.chunks(16) {
        let mut b = [0u8; 16];
        for (i, x) in block.iter().enumerate() {
            b[i] = x ^ prev[i];
        }
        let mut ga = b.into();
        cipher.encrypt_block(&mut ga);
        prev = ga.into();
        out.extend_from_slice(&prev);
    }
    b64_encode(&out)
}

/// sprig's `decryptAES`, with the panics of its unchecked slicing.
fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, String> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = b64_decode(crypt64.as_bytes())
        .map_err(|at| format!("illegal base64 data at input byte {at}"))?;
    if crypt.len() < 16 {
        // Go slices the decode buffer, whose capacity is the decoded length of the input.
        let capacity = crypt64.len() / 4 * 3;
        if capacity < 16 {
            return Err(format!(
                "runtime error: slice bounds out of range [:16] with capacity {capacity}"
            ));
        }
        return Err(format!(
            "runtime error: slice bounds out of range [16:{}]",
            crypt.len()
        ));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let cipher = aes_key(password);
    let mut prev: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut plain = Vec::with_capacity(body.len());
    for block in body.chunks(16) {
        let mut ga = <[u8; 16]>::try_from(block).unwrap_or([0; 16]).into();
        cipher.decrypt_block(&mut ga);
        let b: [u8; 16] = ga.into();
        plain.extend(b.iter().zip(prev.iter()).map(|(x, p)| x ^ p));
        prev = block.try_into().unwrap_or([0; 16]);
    }
    let Some(&last) = plain.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let keep = plain.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        ));
    }
    Ok(String::from_utf8_lossy(&plain[..keep as usize]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::SeededRandom;

    #[test]
    fn checksums() {
        assert_eq!(adler32(b"hello"), 103_547_413);
        assert_eq!(adler32(b""), 1);
        assert_eq!(hex(&Sha512::digest(b"")), "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    }

    #[test]
    fn aes_round_trip_and_go_errors() {
        let mut rng = SeededRandom::new(3);
        let enc = encrypt_aes("secretkey", "plaintext", &mut rng);
        assert_eq!(decrypt_aes("secretkey", &enc).unwrap(), "plaintext");
        assert_eq!(encrypt_aes("k", "", &mut rng), "");
        assert_eq!(
            decrypt_aes("k", "aGVsbG8=").unwrap_err(),
            "runtime error: slice bounds out of range [:16] with capacity 6"
        );
        assert_eq!(
            decrypt_aes("k", "!!").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
    }

    #[test]
    fn bcrypt_is_go_shaped() {
        let h = bcrypt("password", &mut SeededRandom::new(1));
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(::bcrypt::verify("password", &h).unwrap_or(false));
        assert!(bcrypt(&"x".repeat(73), &mut SeededRandom::new(1)).starts_with("failed to encrypt"));
    }
}
