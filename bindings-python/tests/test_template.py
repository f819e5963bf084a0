import pytest

import kots


def test_render_default_delims():
    t = kots.Template("Hello {{ .name }}! {{ len .items }} {{ printf \"%05.1f\" 3.14159 }}")
    assert t.render({"name": "World", "items": [1, 2, 3]}) == "Hello World! 3 003.1"


def test_kots_delimiters_leave_helm_untouched():
    t = kots.Template("{{repl- .a -}} {{ .Values.x }}", delims=("{{repl", "}}"))
    assert t.render({"a": "x"}) == "x{{ .Values.x }}"


def test_go_value_model():
    t = kots.Template("{{ .i }} {{ .f }} {{ .big }} {{ .missing }} {{ print .missing }} {{ .m }} {{ .l }}")
    out = t.render({"i": 3, "f": 3.0, "big": 1e21, "m": {"b": 2, "a": 1}, "l": ["a", None]})
    assert out == "3 3 1e+21 <no value> <nil> map[a:1 b:2] [a <nil>]"


def test_int_and_float_stay_distinct():
    t = kots.Template('{{ printf "%d|%d" .i .f }}')
    assert t.render({"i": 3, "f": 3.0}) == "3|%!d(float64=3)"


def test_nil_data_like_kots():
    assert kots.Template("{{ . }}|{{ .x }}").render() == "<no value>|<no value>"


def test_defines_and_names():
    t = kots.Template('{{define "x"}}[{{.}}]{{end}}{{template "x" 1}}', name="main")
    assert t.render() == "[1]"
    assert t.name == "main"
    assert t.template_names() == ["main", "x"]


def test_parse_error_has_go_message():
    with pytest.raises(kots.TemplateError) as e:
        kots.Template("{{ if }}", name="t")
    assert str(e.value) == "template: t:1: missing value for if"
    assert e.value.kind == "parse"
    assert isinstance(e.value, kots.KotsError)


def test_exec_error_has_go_message():
    with pytest.raises(kots.TemplateError) as e:
        kots.Template("x\n  {{ .a.b }}", name="t").render({"a": 1})
    assert str(e.value) == 'template: t:2:7: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}'
    assert e.value.kind == "exec"


def test_output_limit():
    t = kots.Template("{{ range .l }}xxxxxxxxxx{{ end }}", max_output_bytes=50)
    with pytest.raises(kots.TemplateError) as e:
        t.render({"l": list(range(100))})
    assert e.value.kind == "limit"


def test_unsupported_data_type():
    with pytest.raises(TypeError):
        kots.Template("{{ . }}").render(object())


def test_deterministic_seed():
    a = kots.Template("{{ . }}", seed=7)
    assert a.render("same") == "same"
