import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const PREV = `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: old-secret-value}
`
const NEXT = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: new-secret-value}
`

const byKind = (plan) => Object.fromEntries(plan.operations.map((o) => [`${o.id.kind}/${o.id.name}`, o]))

test('planRelease rates and refuses data loss', () => {
  const plan = kots.planRelease(PREV, NEXT)
  assert.equal(plan.schemaVersion, 1)
  const ops = byKind(plan)
  assert.equal(ops['Ingress/web'].op, 'update')
  const pvc = ops['PersistentVolumeClaim/data']
  assert.deepEqual([pvc.op, pvc.severity, pvc.refused], ['delete', 'data', true])
  assert.deepEqual(pvc.dataLoss.pvcs, [{ namespace: 'default', name: 'data', fate: 'deleted' }])
  const allowed = kots.planRelease(PREV, NEXT, { policy: { allowDataLoss: true } })
  assert.equal(allowed.summary.refused, 0)
})

test('secret values never appear', () => {
  const plan = kots.planRelease(PREV, NEXT)
  assert.deepEqual(byKind(plan)['Secret/creds'].changes, [{ path: '/data/password', change: 'changed', redacted: true }])
  const text = kots.planReleaseText(PREV, NEXT)
  for (const out of [JSON.stringify(plan), text]) {
    assert.ok(!out.includes('old-secret-value') && !out.includes('new-secret-value'))
  }
  assert.match(text, /\+\+\+ b\/Secret\/default\/creds/)
})

test('arrays, live snapshot, failed attempts and KOTS outputs', () => {
  const prev = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }]
  const plan = kots.planRelease(prev, prev, {
    failedAttempts: ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\n'],
    live: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leaked', uid: 'u2' } },
           { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', uid: 'u1' } }],
    policy: { order: 'kots' },
    previousFiles: { 'a.yaml': 'a\nb\n' },
    newFiles: { 'a.yaml': 'a\nc\n', 'b.yaml': 'x\n' },
  })
  const leaked = byKind(plan)['ConfigMap/leaked']
  assert.equal(leaked.op, 'delete')
  assert.equal(leaked.previousSource, 'failedAttempt[0]')
  assert.equal(leaked.liveUid, 'u2')
  assert.deepEqual(plan.kots.diffSummary, { filesChanged: 2, linesAdded: 2, linesRemoved: 1 })
  assert.deepEqual(plan.kots.deleteSet, [])
  assert.equal(plan.order.mode, 'kots')
  assert.deepEqual(kots.kotsDiffSummary({ f: 'one\ntwo' }, {}), { filesChanged: 1, linesAdded: 0, linesRemoved: 2 })
  assert.equal(kots.planSchema().title, 'kots release plan')
})

test('errors carry stable codes', () => {
  assert.throws(
    () => kots.planRelease('', 'apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n'),
    (err) => err.code === 'KOTS_PLAN_MISSING_NAME' && /new document 0/.test(err.message)
  )
  assert.throws(() => kots.planRelease('', '', { policy: { maxDeleteShare: 2 } }), (err) => err.code === 'KOTS_PLAN_INVALID_POLICY')
  assert.throws(() => kots.planRelease('', '', { policy: { bogus: 1 } }), (err) => err.code === 'KOTS_PLAN_INVALID_POLICY')
  assert.throws(() => kots.planRelease('', '- a list\n'), (err) => err.code === 'KOTS_PLAN_INVALID_INPUT')
  assert.throws(() => kots.planRelease('', '', { bogus: 1 }), (err) => err.code === 'KOTS_PLAN_INVALID_INPUT')
})
