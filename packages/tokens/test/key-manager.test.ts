import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test, type TestContext } from 'node:test'
import { jwt } from '@tessera/jose'
import * as errors from '../src/errors.js'
import { KeyManager } from '../src/key-manager.js'
import { MasterKey } from '../src/key-wrap.js'
import type { TenantConfig } from '../src/stores/records.js'
import { Tenants } from '../src/tenants.js'
import { Clock, events, sqliteStorage } from './support.js'

async function setup(t: TestContext, config: Partial<TenantConfig> = {}) {
  const { storage, file } = await sqliteStorage(t)
  const clock = new Clock()
  const tenants = new Tenants(storage, clock.fn)
  const tenant = await tenants.create('acme', config)
  const master = new MasterKey(MasterKey.generate())
  const keys = new KeyManager({
    storage,
    tenants,
    masterKey: master,
    clock: clock.fn,
    prepublishSeconds: 600,
  })
  return { storage, file, clock, tenants, tenant, tenantId: tenant.id, keys, master }
}

const sign = async (keys: KeyManager, tenantId: string) =>
  jwt.encode({ sub: 'u' }, await keys.signingKey(tenantId))

test('a tenant gets its first key on first use; the JWKS publishes only public members', async (t) => {
  const { keys, tenantId, storage } = await setup(t)
  const key = await keys.signingKey(tenantId)
  assert.equal(key.alg, 'ES256')
  assert.equal(key.type, 'private')
  const jwks = await keys.jwks(tenantId)
  assert.equal(jwks.keys.length, 1)
  assert.equal(jwks.keys[0]!.kid, key.kid)
  assert.equal(jwks.keys[0]!.d, undefined)
  assert.equal((await keys.signingKey(tenantId)).kid, key.kid, 'the same key until a rotation')
  assert.equal((await events(storage, tenantId, 'key.created')).length, 1)
})

test('rotation publishes the next key before it signs, and retires the old one after', async (t) => {
  const { keys, tenantId, clock, storage, tenant } = await setup(t)
  const oldKid = (await keys.signingKey(tenantId)).kid
  const oldToken = await sign(keys, tenantId)
  const nextKid = await keys.rotate(tenantId)
  // Pre-publication: in the JWKS at once, but not signing yet.
  assert.deepEqual(
    (await keys.jwks(tenantId)).keys.map((k) => k.kid).sort(),
    [oldKid, nextKid].sort(),
  )
  assert.equal((await keys.signingKey(tenantId)).kid, oldKid)
  clock.advance(600_000)
  assert.equal((await keys.signingKey(tenantId)).kid, nextKid)
  // The retired key stays published until every token it signed has expired.
  const published = await keys.verificationKeys(tenantId)
  assert.ok(
    jwt.decode(oldToken, published, { algorithms: ['ES256'], options: { verifyExp: false } }),
  )
  clock.advance(tenant.config.accessTokenTtl * 1000)
  assert.deepEqual(
    (await keys.jwks(tenantId)).keys.map((k) => k.kid),
    [nextKid],
  )
  const states = (await keys.list(tenantId)).map((k) => [k.kid, k.state])
  assert.deepEqual(states, [
    [oldKid, 'retired'],
    [nextKid, 'active'],
  ])
  assert.equal((await events(storage, tenantId, 'key.rotated')).length, 1)
  assert.equal((await events(storage, tenantId, 'key.retired')).length, 1)
})

test('emergency revocation removes a key at once and a new key signs', async (t) => {
  const { keys, tenantId, storage } = await setup(t)
  const compromised = (await keys.signingKey(tenantId)).kid!
  const token = await sign(keys, tenantId)
  await keys.revoke(tenantId, compromised)
  const published = await keys.verificationKeys(tenantId)
  assert.equal(
    published.keys.some((k) => k.kid === compromised),
    false,
  )
  assert.throws(() => jwt.decode(token, published, { algorithms: ['ES256'] }))
  const replacement = await keys.signingKey(tenantId)
  assert.notEqual(replacement.kid, compromised)
  const revoked = await events(storage, tenantId, 'key.revoked')
  assert.equal(revoked[0]!.severity, 'critical')
  await assert.rejects(keys.revoke(tenantId, 'no-such-kid'), errors.NotFoundError)
})

test('revocation acts on the stored keys, not on a stale cache of another instance', async (t) => {
  const { keys, tenantId, storage, tenants, master, clock } = await setup(t)
  // A second instance on the same database; its cache is loaded before this one changes the keys.
  const other = new KeyManager({ storage, tenants, masterKey: master, clock: clock.fn })
  const first = (await keys.signingKey(tenantId)).kid!
  assert.equal((await other.signingKey(tenantId)).kid, first)

  // A key this instance added: the other one has not heard of it yet, and still revokes it.
  const added = await keys.rotate(tenantId)
  await other.revoke(tenantId, added)
  assert.equal(
    (await keys.list(tenantId)).find((k) => k.kid === added)?.state,
    'revoked',
    'the key the other instance did not know of is revoked',
  )

  // The active key revoked here, then again there: the second finds it already revoked.
  keys.invalidate(tenantId)
  await keys.revoke(tenantId, first)
  await assert.rejects(other.revoke(tenantId, first), errors.NotFoundError)

  // The replacement, unknown to the other instance's cache, revoked there: a new key signs.
  const replacement = (await keys.signingKey(tenantId)).kid!
  assert.notEqual(replacement, first)
  await other.revoke(tenantId, replacement)
  keys.invalidate(tenantId)
  const now = await keys.signingKey(tenantId)
  assert.ok(now.kid !== replacement && now.kid !== first, 'the tenant still has a signing key')
  const states = new Map((await keys.list(tenantId)).map((k) => [k.kid, k.state]))
  assert.equal(states.get(replacement), 'revoked')
  assert.equal(states.get(now.kid!), 'active')
  assert.equal((await events(storage, tenantId, 'key.revoked')).length, 3)
})

test('scheduled rotation starts once the active key is older than the period', async (t) => {
  const { keys, tenantId, clock } = await setup(t)
  await keys.signingKey(tenantId)
  await keys.maintain(tenantId)
  assert.equal((await keys.list(tenantId)).length, 1)
  clock.advance(90 * 24 * 3600 * 1000)
  await keys.maintain(tenantId)
  await keys.maintain(tenantId)
  assert.deepEqual(
    (await keys.list(tenantId)).map((k) => k.state),
    ['active', 'next'],
  )
})

test('private keys are encrypted at rest, and a new master key re-wraps them', async (t) => {
  const { keys, tenantId, storage, file, tenants, clock } = await setup(t)
  const key = await keys.signingKey(tenantId)
  const d = key.toJWK({ private: true }).d!
  const bytes = readFileSync(file)
  assert.equal(
    bytes.includes(Buffer.from(d)),
    false,
    'the private key never reaches the file in clear',
  )
  const rows = await storage.signingKeys.list(tenantId)
  assert.equal(rows[0]!.privateJwe.split('.').length, 5, 'a compact JWE')
  const next = new MasterKey(MasterKey.generate())
  assert.equal(await keys.rewrap(next), 1)
  const reopened = new KeyManager({ storage, tenants, masterKey: next, clock: clock.fn })
  assert.equal((await reopened.signingKey(tenantId)).toJWK({ private: true }).d, d)
  const stale = new KeyManager({
    storage,
    tenants,
    masterKey: new MasterKey(MasterKey.generate()),
    clock: clock.fn,
  })
  await assert.rejects(stale.signingKey(tenantId))
})

test('the tenant algorithm is configurable to any JWS algorithm', async (t) => {
  for (const alg of ['EdDSA', 'RS256', 'HS256']) {
    const { keys, tenantId } = await setup(t, { signingAlgorithm: alg })
    const token = await sign(keys, tenantId)
    assert.equal(jwt.getUnverifiedHeader(token).alg, alg)
    assert.ok(jwt.decode(token, await keys.verificationKeys(tenantId), { algorithms: [alg] }))
    const jwks = await keys.jwks(tenantId)
    assert.equal(jwks.keys.length, alg === 'HS256' ? 0 : 1, 'secrets are never published')
  }
})

test('a tenant changes algorithm within its family only, and keeps working', async (t) => {
  const { keys, tenantId, tenants } = await setup(t)
  await sign(keys, tenantId) // its first key, ES256
  for (const alg of ['HS256', 'HS512']) {
    await assert.rejects(tenants.configure(tenantId, { signingAlgorithm: alg }), {
      code: 'ERR_INVALID_INPUT',
    })
  }
  await tenants.configure(tenantId, { signingAlgorithm: 'EdDSA' })
  await keys.rotate(tenantId)
  assert.equal((await keys.jwks(tenantId)).keys.length, 2)
  assert.equal(jwt.getUnverifiedHeader(await sign(keys, tenantId)).alg, 'ES256')
  const hmac = await setup(t, { signingAlgorithm: 'HS256' })
  await sign(hmac.keys, hmac.tenantId)
  await assert.rejects(hmac.tenants.configure(hmac.tenantId, { signingAlgorithm: 'RS256' }), {
    code: 'ERR_INVALID_INPUT',
  })
  await hmac.tenants.configure(hmac.tenantId, { signingAlgorithm: 'HS384' })
  await hmac.keys.rotate(hmac.tenantId)
  assert.equal((await hmac.keys.list(hmac.tenantId)).length, 2)
})

test('the master key must be 32 bytes', () => {
  for (const bad of ['', 'short', Buffer.alloc(16), 'A'.repeat(44)]) {
    assert.throws(() => new MasterKey(bad), errors.InvalidInputError)
  }
})
