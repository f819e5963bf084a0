//! Parse + verify licenses, reported as licenses/s (criterion's elements/s).
//! Goals: ed25519 ≥ 20,000/s and RSA ≥ 5,000/s on one core.
//!
//! The RSA cases use KOTS's real licenses from `../shared/testdata/kots/licenses/` and are skipped,
//! with a message, when that folder is absent; the ed25519 case signs its own license.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use kots_core::license::{generate_ed25519_key, sign_license, License, Verifier};

const UNSIGNED: &str = "apiVersion: kots.io/v1beta2\nkind: License\nmetadata:\n  name: acme\nspec:\n  \
    appSlug: my-app\n  licenseID: 2cN1x8QwLq\n  licenseSequence: 12\n  licenseType: prod\n  customerName: Acme Corp\n  \
    channelID: ch1\n  channelName: Stable\n  isAirgapSupported: true\n  isSnapshotSupported: true\n  \
    channels:\n  - {channelID: ch1, channelName: Stable, channelSlug: stable, isDefault: true}\n  \
    entitlements:\n    expires_at: {title: Expiration, value: \"2030-01-01T00:00:00Z\", valueType: String}\n    \
    seats: {title: Seats, value: 250, valueType: Integer}\n    gpu: {title: GPU, value: true, valueType: Boolean}\n    \
    tier: {title: Tier, value: enterprise, valueType: String}\n";

fn parse_and_verify(verifier: &Verifier, text: &str) -> usize {
    let verified = verifier.verify(&License::from_yaml(text).unwrap()).unwrap();
    verified.warnings.len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("license");
    group.throughput(Throughput::Elements(1));

    let key = generate_ed25519_key().unwrap();
    let signed = sign_license(&License::from_yaml(UNSIGNED).unwrap(), &key, "vendor-1").unwrap();
    let ed25519_yaml = signed.to_yaml().unwrap();
    let mut ed25519 = Verifier::without_embedded_keys();
    ed25519.trust_ed25519_key("vendor-1", key.verifying_key());
    let parsed = License::from_yaml(&ed25519_yaml).unwrap();
    group.bench_function("ed25519_parse_only", |b| {
        b.iter(|| License::from_yaml(black_box(&ed25519_yaml)).unwrap())
    });
    group.bench_function("ed25519_verify_only", |b| {
        b.iter(|| ed25519.verify(black_box(&parsed)).unwrap())
    });
    group.bench_function("ed25519_parse_verify", |b| {
        b.iter(|| parse_and_verify(&ed25519, black_box(&ed25519_yaml)))
    });

    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/kots/licenses");
    if vectors.is_dir() {
        let kots = Verifier::new();
        let cases = [
            ("v1beta1_md5_parse_verify", "kots/valid.yaml"),
            (
                "v1beta1_md5_3_entitlement_sigs_parse_verify",
                "kotskinds/v1beta1.yaml",
            ),
            (
                "v1beta2_sha256_3_entitlement_sigs_parse_verify",
                "kotskinds/v1beta2.yaml",
            ),
        ];
        for (name, file) in cases {
            let text = std::fs::read_to_string(vectors.join(file)).unwrap();
            group.bench_function(name, |b| {
                b.iter(|| parse_and_verify(&kots, black_box(&text)))
            });
        }
    } else {
        eprintln!(
            "skipping the RSA benchmarks: KOTS license vectors not found at {}",
            vectors.display()
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
