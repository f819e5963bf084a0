import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

test('version is exported', () => {
  assert.equal(kots.version, '0.1.0')
})

test('parseManifests types scalars as Kubernetes does', () => {
  const docs = kots.parseManifests(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  on: yes\n  mode: 0777\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n'
  )
  assert.deepEqual(docs.map((d) => d.kind), ['ConfigMap', 'Deployment'])
  assert.deepEqual(docs[0].data, { true: true, mode: 511 })
})

test('splitDocuments follows KOTS', () => {
  assert.deepEqual(kots.splitDocuments('a: 1\r\n---  # c\r\nb: 2\n---\n\n'), ['a: 1', 'b: 2'])
})

test('errors carry a stable code and name the document', () => {
  assert.throws(
    () => kots.parseManifests('apiVersion: v1\nkind: A\n---\n- not a mapping\n'),
    (err) => err.code === 'KOTS_MANIFEST_NOT_A_MAPPING' && /document 1/.test(err.message)
  )
})
