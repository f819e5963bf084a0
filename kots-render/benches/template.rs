//! Template engine throughput: parse + execute, and execute of a pre-parsed template, on a
//! KOTS-like manifest template (compare with `scripts/bench-template.sh`, which runs the same
//! workload through Go).

use criterion::{criterion_group, criterion_main, Criterion};
use kots_render::template::{Options, Template, Value};

const SOURCE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  labels:
{{- range $k, $v := .labels }}
    {{ $k }}: {{ printf "%q" $v }}
{{- end }}
spec:
  replicas: {{ .replicas }}
  template:
    spec:
      containers:
{{- range $i, $c := .containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image }}:{{ $c.tag }}"
          {{- if $c.ports }}
          ports:
          {{- range $c.ports }}
            - containerPort: {{ . }}
          {{- end }}
          {{- else }}
          # no ports
          {{- end }}
          env:
          {{- range $e := $c.env }}
            - name: {{ $e.name }}
              value: {{ $e.value | printf "%q" }}
          {{- end }}
{{- end }}
{{- with .extra }}
  extra: {{ .note }} {{ len . }}
{{- end }}
  enabled: {{ and .enabled (gt .replicas 1.0) (ne .name "") }}
"#;

fn data() -> Value {
    Value::from_json(&serde_json::json!({
        "name": "web",
        "replicas": 3,
        "enabled": true,
        "labels": {"app": "web", "tier": "frontend", "team": "core"},
        "containers": [
            {"name": "app", "image": "registry.example.com/web", "tag": "1.2.3", "ports": [80, 443],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}, {"name": "C", "value": "x\"y"}]},
            {"name": "sidecar", "image": "proxy", "tag": "latest", "ports": [],
             "env": [{"name": "LOG", "value": "debug"}]}
        ],
        "extra": {"note": "hello", "more": 1}
    }))
}

fn bench(c: &mut Criterion) {
    // The default options: sprig's functions, as KOTS parses with.
    let opts = Options::default();
    let data = data();
    c.bench_function("template/parse+execute", |b| {
        b.iter(|| {
            Template::parse_with("t", SOURCE, &opts)
                .and_then(|t| t.render(&data))
                .map(|s| s.len())
        })
    });
    let t = Template::parse_with("t", SOURCE, &opts).expect("bench template parses");
    c.bench_function("template/execute", |b| {
        b.iter(|| t.render(&data).map(|s| s.len()))
    });
    c.bench_function("template/parse", |b| {
        b.iter(|| Template::parse_with("t", SOURCE, &opts).map(|t| t.name().len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
