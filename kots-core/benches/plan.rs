//! Planning speed: N → N objects with 10% changed (8% updated, 1% removed, 1% added), at 1k,
//! 10k and 50k objects. Target: 10k → 10k in under 200 ms.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kots_core::manifest::Object;
use kots_core::plan::{plan, PlanInput, Policy};
use serde_json::json;

/// A realistic object: Deployments, Services, ConfigMaps and Secrets in 20 namespaces.
fn object(i: usize, version: &str) -> Object {
    let ns = format!("team-{}", i % 20);
    let name = format!("app-{i}");
    let value = match i % 4 {
        0 => json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name, "kots.io/app-slug": "bench"},
                         "annotations": {"kots.io/app-slug": "bench"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": {
                    "serviceAccountName": "default",
                    "containers": [{"name": "main", "image": format!("registry.example.com/{name}:{version}"),
                        "ports": [{"containerPort": 8080, "name": "http"}],
                        "env": [{"name": "MODE", "value": "production"},
                                {"name": "CONFIG", "valueFrom": {"configMapKeyRef": {"name": format!("app-{}", i + 2), "key": "k"}}}],
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}}]}}}
        }),
        1 => json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP", "name": version}]}
        }),
        2 => json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns},
            "data": {"k": format!("value-{version}"), "settings.yaml": "log:\n  level: info\nfeatures: [a, b, c]\n"}
        }),
        _ => json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": ns},
            "stringData": {"password": format!("s3cret-{version}")}
        }),
    };
    Object::from_value(value).expect("bench object")
}

fn input(n: usize) -> PlanInput {
    let previous: Vec<Object> = (0..n).map(|i| object(i, "v1")).collect();
    let new: Vec<Object> = (0..n)
        .filter(|i| i % 100 != 1)
        .map(|i| object(i, if i % 100 < 9 { "v2" } else { "v1" }))
        .chain((n..n + n / 100).map(|i| object(i, "v1")))
        .collect();
    PlanInput {
        previous,
        new,
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan");
    for n in [1_000usize, 10_000, 50_000] {
        let input = input(n);
        let policy = Policy::default();
        group.throughput(Throughput::Elements(n as u64));
        if n >= 10_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
            b.iter(|| plan(input, &policy).expect("plan"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
