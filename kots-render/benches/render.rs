//! Rendering a synthetic release: 200 config items (a third depending on another item) and 100,
//! 500 or 2,500 documents, on one thread; the largest also with two threads.
//! Target (issue 6): 500 documents and 200 config items in under 50 ms on one thread.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kots_core::kinds::{ConfigValues, KotsResource};
use kots_render::release::{render_release, Release, RenderOptions};

const ITEMS: usize = 200;
const DOCS_PER_FILE: usize = 5;

fn config() -> String {
    let mut items = String::new();
    for i in 0..ITEMS {
        let default = if i % 3 == 1 {
            format!("'repl{{{{ ConfigOption \"item_{}\" }}}}-{i}'", i - 1)
        } else {
            format!("'value-{i}'")
        };
        items.push_str(&format!(
            "    - name: item_{i}\n      title: Item {i}\n      type: text\n      default: {default}\n      \
             when: 'repl{{{{ ConfigOptionNotEquals \"item_0\" \"off\" }}}}'\n"
        ));
    }
    format!("apiVersion: kots.io/v1beta1\nkind: Config\nmetadata:\n  name: app\nspec:\n  groups:\n  - name: main\n    title: Main\n    items:\n{items}")
}

fn document(n: usize) -> String {
    if n.is_multiple_of(2) {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{n}\n  annotations:\n    \
             kots.io/when: '{{{{repl ConfigOptionEquals \"item_0\" \"value-0\" }}}}'\ndata:\n  \
             a: '{{{{repl ConfigOption \"item_{}\" }}}}'\n  b: 'repl{{{{ ConfigOption \"item_{}\" | upper }}}}'\n  \
             seq: '{{{{repl Sequence }}}}'\n",
            n % ITEMS,
            (n + 1) % ITEMS
        )
    } else {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{n}\nspec:\n  replicas: 1\n  \
             selector:\n    matchLabels: {{app: web-{n}}}\n  template:\n    metadata:\n      labels: {{app: web-{n}}}\n    \
             spec:\n      containers:\n      - name: web\n        image: nginx:1.{}\n        env:\n        \
             - name: HOST\n          value: '{{{{repl ConfigOption \"item_{}\" }}}}'\n",
            n % 20,
            n % ITEMS
        )
    }
}

fn release(docs: usize) -> Release {
    let mut files = vec![("kots/config.yaml".to_string(), config().into_bytes())];
    for f in 0..docs.div_ceil(DOCS_PER_FILE) {
        let text: Vec<String> = (f * DOCS_PER_FILE..((f + 1) * DOCS_PER_FILE).min(docs))
            .map(document)
            .collect();
        files.push((
            format!("manifests/file-{f}.yaml"),
            text.join("---\n").into_bytes(),
        ));
    }
    Release::from_files(files)
}

fn values() -> ConfigValues {
    ConfigValues::from_yaml("apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n    item_2: {value: user}\n")
        .expect("static ConfigValues")
}

fn bench(c: &mut Criterion) {
    let values = values();
    let mut group = c.benchmark_group("render_release");
    group.sample_size(10);
    for docs in [100, 500, 2500] {
        let release = release(docs);
        let options = RenderOptions {
            app_slug: "app".into(),
            ..RenderOptions::default()
        };
        let rendered = render_release(&release, None, Some(&values), &options).expect("renders");
        assert!(
            rendered.objects.len() >= docs / 2,
            "synthetic release renders"
        );
        group.bench_with_input(BenchmarkId::new("1-thread", docs), &release, |b, r| {
            b.iter(|| render_release(black_box(r), None, Some(&values), &options).expect("renders"))
        });
    }
    let release = release(2500);
    let options = RenderOptions {
        app_slug: "app".into(),
        threads: 2,
        ..RenderOptions::default()
    };
    group.bench_with_input(BenchmarkId::new("2-threads", 2500), &release, |b, r| {
        b.iter(|| render_release(black_box(r), None, Some(&values), &options).expect("renders"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
