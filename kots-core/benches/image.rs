//! Discover and rewrite the images of 10,000 rendered documents (target: under 100 ms).
//!
//! The documents are a realistic mix: Deployments with two containers and an init container,
//! CronJobs, Pods, plus ConfigMaps without images; 2,000 distinct image references.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kots_core::image::{
    discover, kustomization_images, DiscoverOptions, DiscoveryMode, ImageRewriter, Registry,
};
use kots_core::manifest::Object;
use serde_json::json;

fn documents(n: usize) -> Vec<Object> {
    let image = |i: usize| match i % 4 {
        0 => format!("nginx:1.{}", i % 2000),
        1 => format!("quay.io/org/service-{}:v{}", i % 2000, i % 7),
        2 => format!("org/app-{}@sha256:{:064x}", i % 2000, i),
        _ => format!(
            "registry.example.com:5000/team/sub/tool-{}:latest",
            i % 2000
        ),
    };
    let pod_spec = |i: usize| {
        json!({"initContainers": [{"name": "init", "image": image(i + 1)}],
               "containers": [{"name": "main", "image": image(i)}, {"name": "side", "image": image(i + 2)}]})
    };
    (0..n)
        .map(|i| {
            let value = match i % 4 {
                0 => json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": format!("d{i}")},
                            "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "x"}}, "spec": pod_spec(i)}}}),
                1 => json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": format!("c{i}")},
                            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec(i)}}}}}),
                2 => json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("p{i}")}, "spec": pod_spec(i)}),
                _ => json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("m{i}")},
                            "data": {"a": "b", "image": "not-an-image"}}),
            };
            Object::from_value(value).unwrap()
        })
        .collect()
}

fn discover_and_rewrite(objects: &mut [Object], registry: &Registry, mode: DiscoveryMode) -> usize {
    let options = DiscoverOptions {
        mode,
        registry: Some(registry.clone()),
    };
    let found = discover(objects, &options).unwrap();
    let list = kustomization_images(registry.rewrite_images(&found.kots_image_list()).unwrap());
    ImageRewriter::new(list).rewrite_objects(objects, mode)
}

fn bench(c: &mut Criterion) {
    let registry = Registry::parse("registry.local:5000/mirror");
    let objects = documents(10_000);
    for (name, mode) in [
        ("kots", DiscoveryMode::Kots),
        ("complete", DiscoveryMode::Complete),
    ] {
        c.bench_function(&format!("image discover+rewrite 10k docs ({name})"), |b| {
            b.iter_batched_ref(
                || objects.clone(),
                |docs| black_box(discover_and_rewrite(docs, &registry, mode)),
                criterion::BatchSize::LargeInput,
            )
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
