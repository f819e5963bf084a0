import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '../../examples/node/demo.mjs')
const runDemo = (...args) => execFileSync(process.execPath, [DEMO, ...args], { cwd: '/', encoding: 'utf8', timeout: 120_000 })

test('examples/node/demo.mjs prints one line per step', () => {
  const lines = runDemo().trim().split('\n')
  assert.deepEqual(lines.map((l) => l.trim().split(/\s+/)[1]), ['key', 'sign', 'verify', 'gate', 'config', 'render', 'images', 'plan'])
  assert.match(lines[2], /verifies to the signed seats=250 with 1 warning, strict mode refuses it/)
  assert.match(lines[3], /KOTS 1\.99\.0: blocked \(belowMinKotsVersion\)/)
})

test('examples/node/demo.mjs --json reports the SDK figures', () => {
  const steps = Object.fromEntries(JSON.parse(runDemo('--json')).steps.map((s) => [s.step, s.figures]))
  assert.equal(steps.verify.scheme, 'ed25519')
  assert.equal(steps.verify.seats, 250)
  assert.equal(steps.verify.editedSeats, 250)
  assert.equal(steps.verify.strictRefused, true)
  assert.equal(steps.gate.decision.allowed, true)
  assert.equal(steps.gate.olderKots.allowed, false)
  assert.deepEqual([steps.config.groups, steps.config.items], [4, 9])
  assert.equal(steps.render.documents, 9)
  assert.deepEqual([steps.images.images, steps.images.rewritten], [4, 4])
  const s = steps.plan.summary
  assert.deepEqual([s.create, s.update, s.delete, s.refused], [2, 2, 3, 1])
  assert.equal(steps.plan.refused.length, 1)
  assert.equal(steps.plan.refused[0].key, 'StatefulSet.apps/acme-notes/postgres')
  assert.deepEqual([steps.plan.refused[0].op, steps.plan.refused[0].severity], ['delete', 'data'])
})
