import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Template } = require('../index.js')

test('renders with Go semantics', () => {
  const t = new Template('Hello {{ .name }}! {{ len .items }} {{ printf "%05.1f" 3.14159 }}')
  assert.equal(t.render({ name: 'World', items: [1, 2, 3] }), 'Hello World! 3 003.1')
})

test('KOTS delimiters leave Helm templates untouched', () => {
  const t = new Template('{{repl- .a -}} {{ .Values.x }}', { delims: ['{{repl', '}}'] })
  assert.equal(t.render({ a: 'x' }), 'x{{ .Values.x }}')
})

test('numbers are float64 as in Go encoding/json', () => {
  const t = new Template('{{ .n }} {{ printf "%d" .n }} {{ .big }} {{ .missing }} {{ .m }}')
  assert.equal(t.render({ n: 3, big: 1e21, m: { b: 2, a: 1 } }), '3 %!d(float64=3) 1e+21 <no value> map[a:1 b:2]')
})

test('nil data like KOTS', () => {
  assert.equal(new Template('{{ . }}|{{ .x }}').render(), '<no value>|<no value>')
})

test('defines and names', () => {
  const t = new Template('{{define "x"}}[{{.}}]{{end}}{{template "x" 1}}', { name: 'main' })
  assert.equal(t.render(), '[1]')
  assert.equal(t.name, 'main')
  assert.deepEqual(t.templateNames(), ['main', 'x'])
})

test('parse errors carry Go message and code', () => {
  assert.throws(() => new Template('{{ if }}', { name: 't' }), (err) => {
    assert.equal(err.code, 'KOTS_TEMPLATE_PARSE')
    assert.equal(err.message, 'template: t:1: missing value for if')
    return true
  })
})

test('exec errors carry Go message and code', () => {
  const t = new Template('x\n  {{ .a.b }}', { name: 't' })
  assert.throws(() => t.render({ a: 1 }), (err) => {
    assert.equal(err.code, 'KOTS_TEMPLATE_EXEC')
    assert.equal(err.message, 'template: t:2:7: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}')
    return true
  })
})

test('limits and options are checked', () => {
  const t = new Template('{{ range .l }}xxxxxxxxxx{{ end }}', { maxOutputBytes: 50 })
  assert.throws(() => t.render({ l: Array.from({ length: 100 }, (_, i) => i) }), { code: 'KOTS_TEMPLATE_LIMIT' })
  assert.throws(() => new Template('x', { delims: ['{{'] }), { code: 'KOTS_TEMPLATE_OPTIONS' })
})
