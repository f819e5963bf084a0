//! sprig's keys and certificates (crypto.go): `genPrivateKey`, `buildCustomCert`, `genCA`,
//! `genCAWithKey`, `genSelfSignedCert`, `genSelfSignedCertWithKey`, `genSignedCert`,
//! `genSignedCertWithKey`.
//!
//! Keys and serial numbers come from the render's random provider (so a seeded render repeats),
//! validity from its clock. Certificates carry what Go's `x509.CreateCertificate` writes for
//! sprig's template: v3, a 128-bit random serial, the common name, key usage (critical), server
//! and client extended key usage, basic constraints (critical), a subject key id for CAs, an
//! authority key id from the signing CA, and the DNS/IP alternative names. RSA keys sign with
//! SHA-256 PKCS#1 v1.5, P-256 keys with ECDSA-SHA256, Ed25519 keys with Ed25519.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::super::funcs::{CallContext, FuncError, FuncMap, Random, Ty};
use super::super::value::{Object, Value};
use super::der::{self, bits, children, octets, oid, pem, pem_decode, read, seq, tlv, uint};
use super::encoding::b64_decode;
use super::gotime::{Loc, Time};
use super::{add, int_arg, str_arg};

const CERT: Ty = Ty::Object("sprig.certificate");

/// Registers the key and certificate functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Int, List, String as S};
    add(map, "genPrivateKey", &[S], None, |ctx, a| {
        Ok(gen_private_key(str_arg(a, 0), ctx.random).into())
    });
    add(map, "buildCustomCert", &[S, S], None, |_, a| {
        build_custom(str_arg(a, 0), str_arg(a, 1)).map(cert_value)
    });
    add(map, "genCA", &[S, Int], None, |ctx, a| {
        let key = rsa_key(ctx.random, 2048)?;
        ca(ctx, str_arg(a, 0), int_arg(a, 1), &key)
    });
    add(map, "genCAWithKey", &[S, Int, S], None, |ctx, a| {
        let key = key_arg(a, 2)?;
        ca(ctx, str_arg(a, 0), int_arg(a, 1), &key)
    });
    add(
        map,
        "genSelfSignedCert",
        &[S, List, List, Int],
        None,
        |ctx, a| {
            let key = rsa_key(ctx.random, 2048)?;
            self_signed(ctx, a, &key)
        },
    );
    add(
        map,
        "genSelfSignedCertWithKey",
        &[S, List, List, Int, S],
        None,
        |ctx, a| {
            let key = key_arg(a, 4)?;
            self_signed(ctx, a, &key)
        },
    );
    add(
        map,
        "genSignedCert",
        &[S, List, List, Int, CERT],
        None,
        |ctx, a| {
            let key = rsa_key(ctx.random, 2048)?;
            signed(ctx, a, &key)
        },
    );
    add(
        map,
        "genSignedCertWithKey",
        &[S, List, List, Int, CERT, S],
        None,
        |ctx, a| {
            let key = key_arg(a, 5)?;
            signed(ctx, a, &key)
        },
    );
}

/// The private key PEM of argument `i`, as the `...WithKey` functions read it.
fn key_arg(a: &[Value], i: usize) -> Result<Key, FuncError> {
    parse_key(str_arg(a, i)).map_err(|e| FuncError::failed(format!("parsing private key: {e}")))
}

/// `rand_core` access to the render's random provider, for key generation.
pub(crate) struct Rng<'a>(pub(crate) &'a mut dyn Random);

impl rand_core::RngCore for Rng<'_> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.fill(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for Rng<'_> {}

/// A private key of one of the kinds sprig handles.
enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::SecretKey),
    Ed(ed25519_dalek::SigningKey),
    Dsa(Box<dsa::SigningKey>),
}

fn rsa_key(random: &mut dyn Random, bits: usize) -> Result<Key, FuncError> {
    rsa::RsaPrivateKey::new(&mut Rng(random), bits)
        .map(|k| Key::Rsa(Box::new(k)))
        .map_err(|e| FuncError::failed(format!("error generating rsa key: {e}")))
}

/// sprig's `generatePrivateKey`; failures come back as text, as in sprig.
fn gen_private_key(kind: &str, random: &mut dyn Random) -> String {
    let key = match kind {
        "" | "rsa" => rsa_key(random, 4096).map_err(|e| e.to_string()),
        "ecdsa" => Ok(Key::Ec(p256::SecretKey::random(&mut Rng(random)))),
        "ed25519" => Ok(Key::Ed(ed25519_dalek::SigningKey::generate(&mut Rng(
            random,
        )))),
        "dsa" => {
            let components =
                dsa::Components::generate(&mut Rng(random), dsa::KeySize::DSA_2048_256);
            Ok(Key::Dsa(Box::new(dsa::SigningKey::generate(
                &mut Rng(random),
                components,
            ))))
        }
        other => return format!("Unknown type {other}"),
    };
    match key.and_then(|k| key_pem(&k)) {
        Ok(pem) => pem,
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

fn biguint(n: &num_bigint_dig::BigUint) -> Vec<u8> {
    uint(&n.to_bytes_be())
}

/// sprig's `pemBlockForKey`: PKCS#1 for RSA, SEC 1 for ECDSA, sprig's own sequence for DSA,
/// PKCS#8 for Ed25519.
fn key_pem(key: &Key) -> Result<String, String> {
    Ok(match key {
        Key::Rsa(k) => pem(
            "RSA PRIVATE KEY",
            k.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes(),
        ),
        Key::Ec(k) => pem(
            "EC PRIVATE KEY",
            &k.to_sec1_der().map_err(|e| e.to_string())?,
        ),
        Key::Ed(k) => {
            let inner = octets(&k.to_bytes());
            pem(
                "PRIVATE KEY",
                &seq(&[uint(&[0]), seq(&[oid(ED25519)]), octets(&inner)]),
            )
        }
        Key::Dsa(k) => {
            let c = k.verifying_key().components();
            let body = seq(&[
                uint(&[0]),
                biguint(c.p()),
                biguint(c.q()),
                biguint(c.g()),
                biguint(k.verifying_key().y()),
                biguint(k.x()),
            ]);
            pem("DSA PRIVATE KEY", &body)
        }
    })
}

const ED25519: &[u64] = &[1, 3, 101, 112];
const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const PRIME256V1: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];

/// sprig's `parsePrivateKeyPEM`.
fn parse_key(text: &str) -> Result<Key, String> {
    let (kind, der) = pem_decode(text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(family) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match family {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(Key::Ec)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => parse_dsa(&der)
            .ok_or_else(|| "parsing DSA private key from PEM: asn1: structure error".to_string()),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_pkcs8(der: &[u8]) -> Result<Key, String> {
    use p256::pkcs8::DecodePrivateKey;
    let (outer, _) = read(der).ok_or("x509: malformed PKCS#8 private key")?;
    let parts = children(outer.contents).ok_or("x509: malformed PKCS#8 private key")?;
    let algorithm = parts
        .get(1)
        .and_then(|a| children(a.contents))
        .and_then(|a| a.first().copied());
    match algorithm.map(|a| a.raw) {
        Some(a) if a == oid(ED25519).as_slice() => {
            let inner = parts
                .get(2)
                .and_then(|p| read(p.contents))
                .map(|(e, _)| e.contents);
            let seed: [u8; 32] = inner
                .and_then(|s| s.try_into().ok())
                .ok_or("x509: invalid Ed25519 private key")?;
            Ok(Key::Ed(ed25519_dalek::SigningKey::from_bytes(&seed)))
        }
        Some(a) if a == oid(RSA_ENCRYPTION).as_slice() => {
            use rsa::pkcs8::DecodePrivateKey as _;
            rsa::RsaPrivateKey::from_pkcs8_der(der)
                .map(|k| Key::Rsa(Box::new(k)))
                .map_err(|e| e.to_string())
        }
        Some(a) if a == oid(EC_PUBLIC_KEY).as_slice() => p256::SecretKey::from_pkcs8_der(der)
            .map(Key::Ec)
            .map_err(|e| e.to_string()),
        _ => Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".into()),
    }
}

fn parse_dsa(der: &[u8]) -> Option<Key> {
    let (outer, _) = read(der)?;
    let n: Vec<num_bigint_dig::BigUint> = children(outer.contents)?
        .iter()
        .map(|e| num_bigint_dig::BigUint::from_bytes_be(e.contents))
        .collect();
    let [_, p, q, g, y, x] = n.as_slice() else {
        return None;
    };
    let components = dsa::Components::from_components(p.clone(), q.clone(), g.clone()).ok()?;
    let verifying = dsa::VerifyingKey::from_components(components, y.clone()).ok()?;
    dsa::SigningKey::from_components(verifying, x.clone())
        .ok()
        .map(|k| Key::Dsa(Box::new(k)))
}

impl Key {
    /// The SubjectPublicKeyInfo and the raw public key bits.
    fn spki(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let (algorithm, key) = match self {
            Key::Rsa(k) => {
                let public = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| e.to_string())?;
                (
                    seq(&[oid(RSA_ENCRYPTION), tlv(0x05, &[])]),
                    public.as_bytes().to_vec(),
                )
            }
            Key::Ec(k) => {
                let point = p256::EncodedPoint::from(k.public_key());
                (
                    seq(&[oid(EC_PUBLIC_KEY), oid(PRIME256V1)]),
                    point.as_bytes().to_vec(),
                )
            }
            Key::Ed(k) => (seq(&[oid(ED25519)]), k.verifying_key().to_bytes().to_vec()),
            Key::Dsa(_) => return Err("x509: unsupported public key type: *dsa.PublicKey".into()),
        };
        Ok((seq(&[algorithm, bits(&key)]), key))
    }

    /// The signature algorithm identifier and the signature of `tbs`.
    fn sign(&self, tbs: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
        match self {
            Key::Rsa(k) => {
                let digest = Sha256::digest(tbs);
                let sig = k
                    .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
                    .map_err(|e| e.to_string())?;
                Ok((seq(&[oid(SHA256_WITH_RSA), tlv(0x05, &[])]), sig))
            }
            Key::Ec(k) => {
                use p256::ecdsa::signature::Signer;
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = signer.sign(tbs);
                Ok((seq(&[oid(ECDSA_SHA256)]), sig.to_der().as_bytes().to_vec()))
            }
            Key::Ed(k) => {
                use ed25519_dalek::Signer;
                Ok((seq(&[oid(ED25519)]), k.sign(tbs).to_bytes().to_vec()))
            }
            Key::Dsa(_) => Err("x509: only RSA, ECDSA and Ed25519 keys supported".into()),
        }
    }
}

/// The `sprig.certificate` struct: PEM certificate and key.
#[derive(Debug)]
struct Certificate {
    cert: String,
    key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }
    fn format(&self, out: &mut String) {
        out.push('{');
        out.push_str(&self.cert);
        out.push(' ');
        out.push_str(&self.key);
        out.push('}');
    }
    fn member(&self, name: &str, _args: &[Value]) -> Option<Result<Value, FuncError>> {
        match name {
            "Cert" => Some(Ok(Value::from(self.cert.as_str()))),
            "Key" => Some(Ok(Value::from(self.key.as_str()))),
            _ => None,
        }
    }
}

fn cert_value(c: Certificate) -> Value {
    Value::Object(Arc::new(c))
}

/// The `Cert` and `Key` fields of a certificate argument.
fn cert_fields(v: &Value) -> (String, String) {
    let Value::Object(o) = v else {
        return (String::new(), String::new());
    };
    let field = |n: &str| match o.member(n, &[]) {
        Some(Ok(Value::String(s))) => s.to_string(),
        _ => String::new(),
    };
    (field("Cert"), field("Key"))
}

/// sprig's `buildCustomCertificate`.
fn build_custom(b64cert: &str, b64key: &str) -> Result<Certificate, FuncError> {
    let cert = b64_decode(b64cert.as_bytes())
        .map_err(|_| FuncError::failed("unable to decode base64 certificate"))?;
    let key = b64_decode(b64key.as_bytes())
        .map_err(|_| FuncError::failed("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) =
        pem_decode(&cert).ok_or_else(|| FuncError::failed("unable to decode certificate"))?;
    parse_cert(&der).ok_or_else(|| {
        FuncError::failed(
            "error parsing certificate: decodedCert.Bytes: x509: malformed certificate",
        )
    })?;
    parse_key(&key).map_err(|e| FuncError::failed(format!("error parsing private key: {e}")))?;
    Ok(Certificate { cert, key })
}

/// What signing needs from a parsed certificate: its raw subject and subject key id.
struct ParsedCert {
    subject: Vec<u8>,
    subject_key_id: Option<Vec<u8>>,
}

fn parse_cert(der: &[u8]) -> Option<ParsedCert> {
    let (outer, rest) = read(der)?;
    let parts = children(outer.contents)?;
    if !rest.is_empty() || parts.len() != 3 || outer.tag != 0x30 {
        return None;
    }
    let tbs = children(parts[0].contents)?;
    let offset = usize::from(tbs.first()?.tag == 0xa0);
    let subject = tbs.get(offset + 4)?.raw.to_vec();
    let ski_oid = oid(&[2, 5, 29, 14]);
    let subject_key_id = tbs
        .iter()
        .find(|e| e.tag == 0xa3)
        .and_then(|ext| read(ext.contents))
        .and_then(|(list, _)| children(list.contents))
        .and_then(|exts| {
            exts.iter().find_map(|e| {
                let fields = children(e.contents)?;
                if fields.first()?.raw != ski_oid.as_slice() {
                    return None;
                }
                let value = fields.last()?;
                read(value.contents).map(|(inner, _)| inner.contents.to_vec())
            })
        });
    Some(ParsedCert {
        subject,
        subject_key_id,
    })
}

/// Go's encoding of a certificate time: UTCTime in 1950–2049, GeneralizedTime otherwise.
fn cert_time(unix: i64) -> Vec<u8> {
    let t = Time {
        unix,
        nsec: 0,
        loc: Loc::Utc,
    };
    let year = t.fields().year;
    if (1950..2050).contains(&year) {
        tlv(0x17, t.format("060102150405Z").as_bytes())
    } else {
        tlv(0x18, t.format("20060102150405Z").as_bytes())
    }
}

/// A Name with only a common name (empty when `cn` is).
fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    seq(&[tlv(0x31, &seq(&[oid(&[2, 5, 4, 3]), der::go_string(cn)]))])
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut fields = vec![oid(id)];
    if critical {
        fields.push(tlv(0x01, &[0xff]));
    }
    fields.push(octets(value));
    seq(&fields)
}

/// The alternative names of sprig's template, checked as sprig checks them.
fn alt_names(ips: &Value, dns: &Value) -> Result<(Vec<Vec<u8>>, Vec<String>), FuncError> {
    let list = |v: &Value| v.as_list().map(<[Value]>::to_vec).unwrap_or_default();
    let mut ip_bytes = Vec::new();
    for ip in list(ips) {
        let Value::String(s) = &ip else {
            return Err(FuncError::failed(format!(
                "error parsing ip: {ip} is not a string"
            )));
        };
        let addr: std::net::IpAddr = s
            .parse()
            .map_err(|_| FuncError::failed(format!("error parsing ip: {s}")))?;
        ip_bytes.push(match addr {
            std::net::IpAddr::V4(a) => a.octets().to_vec(),
            std::net::IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => a.octets().to_vec(),
            },
        });
    }
    let mut names = Vec::new();
    for d in list(dns) {
        let Value::String(s) = &d else {
            return Err(FuncError::failed(format!(
                "error processing alternate dns name: {d} is not a string"
            )));
        };
        names.push(s.to_string());
    }
    Ok((ip_bytes, names))
}

/// What one certificate needs besides the keys.
struct Template<'a> {
    cn: &'a str,
    days: i64,
    is_ca: bool,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
}

/// Go's `x509.CreateCertificate` for sprig's template, returning the PEM certificate and key.
fn create(
    ctx: &mut CallContext<'_>,
    t: &Template<'_>,
    key: &Key,
    issuer: Option<(&ParsedCert, &Key)>,
) -> Result<Certificate, FuncError> {
    let fail = |e: String| FuncError::failed(format!("error creating certificate: {e}"));
    let now = ctx
        .clock
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut serial = [0u8; 16];
    ctx.random.fill(&mut serial);
    let (spki, public_bits) = key.spki().map_err(fail)?;
    let subject = name(t.cn);
    let (issuer_name, signer, parent_ski) = match issuer {
        Some((parent, signer)) => (
            parent.subject.clone(),
            signer,
            parent.subject_key_id.clone(),
        ),
        None => (subject.clone(), key, None),
    };
    let usage: &[u8] = if t.is_ca {
        &[0x02, 0xa4]
    } else {
        &[0x05, 0xa0]
    };
    let mut exts = vec![
        extension(&[2, 5, 29, 15], true, &tlv(0x03, usage)),
        extension(
            &[2, 5, 29, 37],
            false,
            &seq(&[
                oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
                oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
            ]),
        ),
        extension(
            &[2, 5, 29, 19],
            true,
            &if t.is_ca {
                seq(&[tlv(0x01, &[0xff])])
            } else {
                seq(&[])
            },
        ),
    ];
    if t.is_ca {
        exts.push(extension(
            &[2, 5, 29, 14],
            false,
            &octets(&Sha1::digest(&public_bits)),
        ));
    }
    if let Some(ski) = parent_ski.filter(|_| issuer_name != subject) {
        exts.push(extension(&[2, 5, 29, 35], false, &seq(&[tlv(0x80, &ski)])));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut sans: Vec<Vec<u8>> = t.dns.iter().map(|d| tlv(0x82, d.as_bytes())).collect();
        sans.extend(t.ips.iter().map(|ip| tlv(0x87, ip)));
        exts.push(extension(&[2, 5, 29, 17], t.cn.is_empty(), &seq(&sans)));
    }
    let not_after = now.saturating_add(t.days.saturating_mul(86_400));
    let (algorithm, _) = signer.sign(b"").map_err(fail)?;
    let tbs = seq(&[
        tlv(0xa0, &uint(&[2])),
        uint(&serial),
        algorithm.clone(),
        issuer_name,
        seq(&[cert_time(now), cert_time(not_after)]),
        subject,
        spki,
        tlv(0xa3, &seq(&exts)),
    ]);
    let (algorithm, signature) = signer.sign(&tbs).map_err(fail)?;
    let cert = seq(&[tbs, algorithm, bits(&signature)]);
    let key_pem =
        key_pem(key).map_err(|e| FuncError::failed(format!("error pem-encoding key: {e}")))?;
    Ok(Certificate {
        cert: pem("CERTIFICATE", &cert),
        key: key_pem,
    })
}

fn ca(ctx: &mut CallContext<'_>, cn: &str, days: i64, key: &Key) -> Result<Value, FuncError> {
    let t = Template {
        cn,
        days,
        is_ca: true,
        ips: Vec::new(),
        dns: Vec::new(),
    };
    create(ctx, &t, key, None).map(cert_value)
}

fn self_signed(ctx: &mut CallContext<'_>, a: &[Value], key: &Key) -> Result<Value, FuncError> {
    let (ips, dns) = alt_names(&a[1], &a[2])?;
    let t = Template {
        cn: str_arg(a, 0),
        days: int_arg(a, 3),
        is_ca: false,
        ips,
        dns,
    };
    create(ctx, &t, key, None).map(cert_value)
}

fn signed(ctx: &mut CallContext<'_>, a: &[Value], key: &Key) -> Result<Value, FuncError> {
    let (ca_cert, ca_key) = cert_fields(&a[4]);
    let (_, der) =
        pem_decode(&ca_cert).ok_or_else(|| FuncError::failed("unable to decode certificate"))?;
    let parent = parse_cert(&der).ok_or_else(|| {
        FuncError::failed(
            "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate",
        )
    })?;
    let signer = parse_key(&ca_key)
        .map_err(|e| FuncError::failed(format!("error parsing private key: {e}")))?;
    let (ips, dns) = alt_names(&a[1], &a[2])?;
    let t = Template {
        cn: str_arg(a, 0),
        days: int_arg(a, 3),
        is_ca: false,
        ips,
        dns,
    };
    create(ctx, &t, key, Some((&parent, &signer))).map(cert_value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::funcs::with_test_context;
    use crate::template::Limits;

    fn with_ctx<T>(seed: u64, f: impl FnOnce(&mut CallContext<'_>) -> T) -> T {
        with_test_context(seed, &Limits::default(), f)
    }

    #[test]
    fn ed25519_and_ecdsa_keys_round_trip() {
        let pem = with_ctx(1, |ctx| gen_private_key("ed25519", ctx.random));
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        assert!(matches!(parse_key(&pem), Ok(Key::Ed(_))));
        let pem = with_ctx(2, |ctx| gen_private_key("ecdsa", ctx.random));
        assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{pem}");
        assert!(matches!(parse_key(&pem), Ok(Key::Ec(_))));
        assert_eq!(
            with_ctx(1, |ctx| gen_private_key("x", ctx.random)),
            "Unknown type x"
        );
        assert_eq!(parse_key("junk").err().unwrap(), "no PEM data in input");
    }

    #[test]
    fn signed_chain_links_issuer_and_key_ids() {
        with_ctx(3, |ctx| {
            let key = Key::Ec(p256::SecretKey::random(&mut Rng(ctx.random)));
            let t = Template {
                cn: "ca",
                days: 365,
                is_ca: true,
                ips: Vec::new(),
                dns: Vec::new(),
            };
            let ca = create(ctx, &t, &key, None).unwrap();
            let (_, der) = pem_decode(&ca.cert).unwrap();
            let parsed = parse_cert(&der).unwrap();
            assert_eq!(parsed.subject, name("ca"));
            assert!(parsed.subject_key_id.is_some());
            let leaf_key = Key::Ed(ed25519_dalek::SigningKey::generate(&mut Rng(ctx.random)));
            let t = Template {
                cn: "leaf",
                days: 1,
                is_ca: false,
                ips: vec![vec![127, 0, 0, 1]],
                dns: vec!["a.b".into()],
            };
            let leaf = create(ctx, &t, &leaf_key, Some((&parsed, &key))).unwrap();
            assert!(leaf.cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
            let (_, der) = pem_decode(&leaf.cert).unwrap();
            assert_eq!(parse_cert(&der).unwrap().subject, name("leaf"));
        });
    }
}
