// Registry Promise rejections carry the stable `err.code` (no registry needed: the failures here
// happen before or instead of talking to one).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

async function rejection (promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  assert.fail('expected the Promise to reject')
}

test('an invalid reference rejects with KOTS_REGISTRY_INVALID_REFERENCE', async () => {
  const reg = new kots.Registry()
  const promise = reg.digest('Not/A:Valid:Ref')
  assert.ok(promise instanceof Promise)
  const err = await rejection(promise)
  assert.ok(err instanceof Error)
  assert.equal(err.code, 'KOTS_REGISTRY_INVALID_REFERENCE')
  assert.match(err.message, /invalid image reference "Not\/A:Valid:Ref"/)
  assert.equal((await rejection(reg.listTags('127.0.0.1:5000/a/b:tag'))).code, 'KOTS_REGISTRY_INVALID_REFERENCE')
})

test('an unreachable registry rejects with KOTS_REGISTRY_CONNECTION naming it', async () => {
  const reg = new kots.Registry({ retries: 0 })
  const err = await rejection(reg.digest('127.0.0.1:1/kots-test/app:1'))
  assert.equal(err.code, 'KOTS_REGISTRY_CONNECTION')
  assert.match(err.message, /registry 127\.0\.0\.1:1, repository kots-test\/app/)
})

test('bad options reject every call with KOTS_REGISTRY_CONFIG; a bad platform with KOTS_REGISTRY_INVALID_PLATFORM', async () => {
  const bad = new kots.Registry({ auth: { 'r.example.com': { username: 'u' } } })
  assert.equal((await rejection(bad.exists('r.example.com/a:1'))).code, 'KOTS_REGISTRY_CONFIG')
  const reg = new kots.Registry()
  const err = await rejection(reg.copy('127.0.0.1:1/a:1', '127.0.0.1:1/b:1', { platform: 'linux' }))
  assert.equal(err.code, 'KOTS_REGISTRY_INVALID_PLATFORM')
})

test('a cancelled operation rejects with KOTS_REGISTRY_CANCELLED', async () => {
  const token = new kots.CancelToken()
  token.cancel()
  const err = await rejection(new kots.Registry().digest('127.0.0.1:1/a:1', token))
  assert.equal(err.code, 'KOTS_REGISTRY_CANCELLED')
})

/** Runs `body(config)` with `docker-credential-NAME` (a shell SCRIPT) on PATH and a config.json using it. */
async function withHelper (name, script, body) {
  const dir = mkdtempSync(join(tmpdir(), 'kots-node-helper-'))
  const oldPath = process.env.PATH
  try {
    const helper = join(dir, `docker-credential-${name}`)
    writeFileSync(helper, `#!/bin/sh\n${script}\n`)
    chmodSync(helper, 0o755)
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ credsStore: name }))
    process.env.PATH = `${dir}${delimiter}${oldPath}`
    await body(config)
  } finally {
    process.env.PATH = oldPath
    rmSync(dir, { recursive: true, force: true })
  }
}

test('a failing docker credential helper rejects with KOTS_REGISTRY_CREDENTIAL_HELPER', async () => {
  await withHelper('kotsnodefail', 'cat >/dev/null\necho "keychain is locked" >&2\nexit 2', async (config) => {
    const reg = new kots.Registry({ dockerConfig: config, retries: 0 })
    const err = await rejection(reg.digest('127.0.0.1:1/kots-test/app:1'))
    assert.equal(err.code, 'KOTS_REGISTRY_CREDENTIAL_HELPER')
    assert.match(err.message, /docker-credential-kotsnodefail/)
    assert.match(err.message, /keychain is locked/)
  })
})

test('a docker credential helper that never answers is killed after helperTimeoutMs', async () => {
  await withHelper('kotsnodeslow', 'exec sleep 30', async (config) => {
    const reg = new kots.Registry({ dockerConfig: config, helperTimeoutMs: 300, retries: 0 })
    const started = Date.now()
    const err = await rejection(reg.digest('127.0.0.1:1/kots-test/app:1'))
    assert.equal(err.code, 'KOTS_REGISTRY_CREDENTIAL_HELPER')
    assert.match(err.message, /did not answer within 300ms/)
    assert.ok(Date.now() - started < 10000)
  })
})
