//! `KubeSeal` (kots-internals §4.3): a value sealed for Bitnami's sealed-secrets controller, as
//! KOTS's `StaticCtx.kubeSeal` seals it.
//!
//! The output is base64 of `uint16be(len(K)) || K || AES-256-GCM(session key, zero nonce, value)`
//! where K is the random 32-byte session key encrypted with RSA-OAEP (SHA-256, label
//! `namespace/name`) under the first certificate's public key. The randomness comes from the
//! render's Random provider, so a seeded render seals the same way every time.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Oaep, RsaPublicKey};

use crate::template::sprig::certs::Rng;
use crate::template::sprig::der::{children, pem_blocks, read};
use crate::template::{CallContext, Func, FuncError, Ty, Value};

pub(super) fn func() -> Func {
    Func::new(
        &[Ty::String, Ty::String, Ty::String, Ty::String],
        None,
        |ctx, a| {
            let text = |i: usize| a[i].as_str().unwrap_or_default();
            seal(ctx, text(0), text(1), text(2), text(3)).map(Value::from)
        },
    )
}

fn seal(
    ctx: &mut CallContext<'_>,
    cert_pem: &str,
    namespace: &str,
    name: &str,
    value: &str,
) -> Result<String, FuncError> {
    let key = first_certificate_key(cert_pem)
        .map_err(|e| FuncError::failed(format!("failed to parse cert: {e}")))?
        .ok_or_else(|| FuncError::failed("failed to get public key"))?;
    let mut session_key = [0u8; 32];
    ctx.random.fill(&mut session_key);
    let label = format!("{namespace}/{name}");
    let sealed_key = key
        .encrypt(
            &mut Rng(&mut *ctx.random),
            Oaep::new_with_label::<sha2::Sha256, _>(label),
            &session_key,
        )
        .map_err(|e| FuncError::failed(format!("failed to encrypt: {e}")))?;
    let sealed_value = Aes256Gcm::new(&session_key.into())
        .encrypt(Nonce::from_slice(&[0u8; 12]), value.as_bytes())
        .map_err(|e| FuncError::failed(format!("failed to encrypt: {e}")))?;
    let mut out = Vec::with_capacity(2 + sealed_key.len() + sealed_value.len());
    out.extend_from_slice(&(sealed_key.len() as u16).to_be_bytes());
    out.extend_from_slice(&sealed_key);
    out.extend_from_slice(&sealed_value);
    Ok(STANDARD.encode(out))
}

/// client-go's `ParseCertsPEM`, then the first certificate's key: `Ok(None)` when that key is not
/// RSA. Blocks other than `CERTIFICATE`, and blocks with headers, are skipped.
fn first_certificate_key(text: &str) -> Result<Option<RsaPublicKey>, String> {
    let mut first = None;
    let certificates = pem_blocks(text)
        .filter(|b| b.kind == "CERTIFICATE" && !b.has_headers)
        .filter_map(|b| b.der);
    for der in certificates {
        let spki = subject_public_key_info(&der)
            .ok_or_else(|| "x509: malformed certificate".to_string())?;
        first.get_or_insert(spki);
    }
    let spki = first.ok_or("data does not contain any valid RSA or ECDSA certificates")?;
    Ok(RsaPublicKey::from_public_key_der(&spki).ok())
}

/// `Certificate.tbsCertificate.subjectPublicKeyInfo`, as DER.
fn subject_public_key_info(der: &[u8]) -> Option<Vec<u8>> {
    let (cert, rest) = read(der)?;
    let parts = children(cert.contents)?;
    if cert.tag != 0x30 || !rest.is_empty() || parts.len() != 3 || parts[0].tag != 0x30 {
        return None;
    }
    let tbs = children(parts[0].contents)?;
    // [0] version, when present, comes before serialNumber, signature, issuer, validity, subject.
    let offset = usize::from(tbs.first()?.tag == 0xa0);
    let spki = tbs.get(offset + 5)?;
    (spki.tag == 0x30).then(|| spki.raw.to_vec())
}

#[cfg(test)]
mod tests {
    use super::super::{Builder, TemplateInputs};
    use crate::template::Providers;
    use aes_gcm::aead::{Aead, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce};
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::{Oaep, RsaPrivateKey};

    fn render(text: &str) -> Result<String, String> {
        let inputs = TemplateInputs {
            providers: Providers::deterministic(7),
            ..TemplateInputs::default()
        };
        Builder::new(inputs.manifest_funcs(), &inputs)
            .render("t", text)
            .map_err(|e| e.message)
    }

    /// Unseals as the sealed-secrets controller does.
    fn unseal(key: &RsaPrivateKey, label: &str, sealed: &str) -> String {
        let bytes = STANDARD.decode(sealed).unwrap();
        let key_len = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        let (sealed_key, sealed_value) = bytes[2..].split_at(key_len);
        let padding = Oaep::new_with_label::<sha2::Sha256, _>(label);
        let session_key = key.decrypt(padding, sealed_key).unwrap();
        let cipher = Aes256Gcm::new_from_slice(&session_key).unwrap();
        let value = cipher
            .decrypt(Nonce::from_slice(&[0u8; 12]), sealed_value)
            .unwrap();
        String::from_utf8(value).unwrap()
    }

    #[test]
    fn seals_for_the_controller_key() {
        let out = render(
            "{{repl $c := genSelfSignedCert \"sealed\" nil nil 365 }}{{repl $c.Key }}|\
             {{repl KubeSeal $c.Cert \"prod\" \"db\" \"s3cr3t\" }}",
        )
        .unwrap();
        let (key_pem, sealed) = out.split_once('|').unwrap();
        let key = RsaPrivateKey::from_pkcs1_pem(key_pem).unwrap();
        assert_eq!(unseal(&key, "prod/db", sealed), "s3cr3t");
        // A seeded render seals the same way again.
        assert_eq!(
            render(&out_template()).unwrap(),
            render(&out_template()).unwrap()
        );
    }

    fn out_template() -> String {
        "{{repl $c := genSelfSignedCert \"x\" nil nil 1 }}{{repl KubeSeal $c.Cert \"n\" \"s\" \"v\" }}"
            .into()
    }

    #[test]
    fn errors_are_kots_errors() {
        let err = render("{{repl KubeSeal \"not a cert\" \"n\" \"s\" \"v\" }}").unwrap_err();
        assert!(
            err.contains("error calling KubeSeal: failed to parse cert: data does not contain any valid RSA or ECDSA certificates"),
            "{err}"
        );
        let err = render(
            "{{repl $k := genPrivateKey \"ecdsa\" }}\
             {{repl $c := genSelfSignedCertWithKey \"x\" nil nil 1 $k }}\
             {{repl KubeSeal $c.Cert \"n\" \"s\" \"v\" }}",
        )
        .unwrap_err();
        assert!(
            err.contains("error calling KubeSeal: failed to get public key"),
            "{err}"
        );
        let err = render(
            "{{repl KubeSeal \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\" \"n\" \"s\" \"v\" }}",
        )
        .unwrap_err();
        assert!(
            err.contains("failed to parse cert: x509: malformed certificate"),
            "{err}"
        );
    }
}
