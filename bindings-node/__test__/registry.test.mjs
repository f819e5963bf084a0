// kots.Registry against the local registries of scripts/registry-test-env.sh (skipped without them).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const kots = require('../index.js')

const env = process.env
const { KOTS_TEST_REGISTRY_PLAIN: PLAIN, KOTS_TEST_REGISTRY_PLAIN2: PLAIN2, KOTS_TEST_REGISTRY_TLS: TLS } = env
const CA = env.KOTS_TEST_REGISTRY_CA
const skip = PLAIN && PLAIN2 && TLS && CA
  ? false
  : 'KOTS_TEST_REGISTRY_* not set: run under scripts/registry-test-env.sh run (needs docker-registry)'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
let counter = 0
const repo = (name) => `kots-test/node-${name}-${process.pid}-${counter++}`

function buildLayout () {
  const root = mkdtempSync(join(tmpdir(), 'kots-layout-'))
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true })
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  const put = (data) => {
    const buf = Buffer.from(data)
    const hex = createHash('sha256').update(buf).digest('hex')
    writeFileSync(join(root, 'blobs', 'sha256', hex), buf)
    return { digest: `sha256:${hex}`, size: buf.length }
  }
  const children = []
  const entries = ['amd64', 'arm64'].map((arch) => {
    const layer = put(randomBytes(120000))
    const config = put(JSON.stringify({ architecture: arch, os: 'linux' }))
    const manifest = put(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }]
    }, null, 1))
    children.push(manifest.digest)
    return { mediaType: OCI_MANIFEST, ...manifest, platform: { os: 'linux', architecture: arch } }
  })
  const index = put(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }))
  const top = { mediaType: OCI_INDEX, ...index, annotations: { 'org.opencontainers.image.ref.name': '1.0' } }
  writeFileSync(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [top] }))
  return { root, index: index.digest, children }
}

const client = () => new kots.Registry({
  auth: { [TLS]: { username: env.KOTS_TEST_REGISTRY_USER, password: env.KOTS_TEST_REGISTRY_PASSWORD } },
  caFile: CA
})

test('push a layout, copy across registries, digests preserved, progress reported', { skip }, async () => {
  const reg = client()
  const { root, index, children } = buildLayout()
  try {
    const srcRepo = `${PLAIN}/${repo('src')}`
    const events = []
    const reports = await reg.pushLayout(root, srcRepo, (e) => events.push(e))
    assert.equal(reports[0].digest, index)
    assert.equal(reports[0].blobs_copied, 4)
    const src = `${srcRepo}:1.0`
    assert.equal(await reg.digest(src), index)

    const dstRepo = `${TLS}/${repo('dst')}`
    const report = await reg.copy(src, `${dstRepo}:2.0`, { allPlatforms: true })
    assert.equal(report.digest, index)
    assert.equal(report.manifests, 3)
    for (const child of children) assert.equal(await reg.digest(`${dstRepo}@${child}`), child)
    assert.deepEqual(await reg.listTags(dstRepo), ['2.0'])

    const one = await reg.copy(src, `${PLAIN2}/${repo('one')}:arm`, { platform: 'linux/arm64' })
    assert.equal(one.digest, children[1])

    const out = join(root, 'export')
    const exported = await reg.exportLayout(`${dstRepo}:2.0`, out)
    assert.equal(exported.digest, index)
    assert.equal(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).manifests[0].digest, index)
    // Thread-safe callbacks are delivered asynchronously; wait for the queue to drain.
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok(events.some((e) => e.event === 'planned'))
    const last = events.at(-1)
    assert.equal(last.bytes_done, last.bytes_total)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('existence and the KOTS privacy probe', { skip }, async () => {
  const reg = client()
  const missing = `${PLAIN}/${repo('missing')}:nope`
  assert.equal(await reg.exists(missing), false)
  const probe = await reg.probePrivate(missing)
  assert.equal(probe.private, true)
})

test('errors carry stable codes and name registry, repository and status', { skip }, async () => {
  const anonymous = new kots.Registry({ caFile: CA })
  const name = repo('denied')
  await assert.rejects(anonymous.digest(`${TLS}/${name}:1`), (err) => {
    assert.equal(err.code, 'KOTS_REGISTRY_UNAUTHORIZED')
    assert.match(err.message, new RegExp(`^registry ${TLS}, repository ${name}: HTTP 401`))
    return true
  })
  await assert.rejects(anonymous.digest('Not A Reference'), { code: 'KOTS_REGISTRY_INVALID_REFERENCE' })
})

test('cancellation rejects with KOTS_REGISTRY_CANCELLED', { skip }, async () => {
  const reg = client()
  const { root } = buildLayout()
  try {
    const token = new kots.CancelToken()
    token.cancel()
    assert.equal(token.cancelled, true)
    await assert.rejects(reg.pushLayout(root, `${PLAIN}/${repo('cancel')}`, null, token), { code: 'KOTS_REGISTRY_CANCELLED' })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('bad credentials shape is rejected', () => {
  // napi constructors cannot throw custom codes: the first call rejects instead.
  const reg = new kots.Registry({ auth: { h: { username: 'u' } } })
  return assert.rejects(reg.digest('127.0.0.1:1/a:b'), { code: 'KOTS_REGISTRY_CONFIG' })
})
