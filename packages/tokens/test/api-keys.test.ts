import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import { ApiKeys, apiKeyId } from '../src/api-keys.js'
import { Clock, events, givenTenant, sqliteStorage, T0 } from './support.js'

const FORMAT = /^tsk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/
const HOUR = 3_600_000

async function setup(t: TestContext) {
  const { storage, file } = await sqliteStorage(t)
  const clock = new Clock()
  const tenant = await givenTenant(storage)
  const apiKeys = new ApiKeys({ storage, clock: clock.fn })
  return { storage, file, clock, tenantId: tenant.id, apiKeys }
}

test('a key is shown once, in the tsk_<id>_<secret> format, and stored only as a hash', async (t) => {
  const { apiKeys, storage, tenantId } = await setup(t)
  const { key, apiKey } = await apiKeys.create(
    { tenantId, name: 'billing', scopes: ['invoices:read', 'invoices:read'] },
    { actor: 'admin-1' },
  )
  const match = FORMAT.exec(key)
  assert.ok(match, key)
  assert.equal(match[1], apiKey.id)
  assert.equal(apiKeyId(key), apiKey.id)
  for (const bad of [`${key}x`, key.slice(0, -1), key.toUpperCase(), '', 42, null]) {
    assert.equal(apiKeyId(bad), undefined)
  }
  assert.equal(Buffer.from(match[2]!, 'base64url').length, 32) // 256 random bits
  assert.deepEqual(apiKey.scopes, ['invoices:read'])
  assert.deepEqual([apiKey.createdAt, apiKey.expiresAt, apiKey.lastUsedAt], [T0, null, null])
  assert.equal('hash' in apiKey, false)
  const stored = (await storage.apiKeys.get(tenantId, apiKey.id))!
  assert.equal(stored.hash, createHash('sha256').update(key).digest('base64url'))
  assert.ok(!JSON.stringify(stored).includes(match[2]!))
  const listed = await apiKeys.list(tenantId)
  assert.deepEqual(listed, [apiKey])
  assert.ok(!JSON.stringify(listed).includes(match[2]!))
  assert.ok(!JSON.stringify(listed).includes(stored.hash))
  const [created] = await events(storage, tenantId, 'api_key.created')
  assert.equal(created!.actor, 'admin-1')
  assert.deepEqual(created!.details, {
    keyId: apiKey.id,
    name: 'billing',
    scopes: ['invoices:read'],
    expiresAt: null,
  })
  const second = await apiKeys.create({ tenantId, name: 'billing', scopes: [] })
  assert.notEqual(second.key, key)
})

test('authenticate returns the key and records when it was last used', async (t) => {
  const { apiKeys, tenantId, clock } = await setup(t)
  const { key, apiKey } = await apiKeys.create({ tenantId, name: 'ci', scopes: ['deploy'] })
  clock.advance(1000)
  const used = await apiKeys.authenticate(tenantId, key)
  assert.deepEqual(used, { ...apiKey, lastUsedAt: T0 + 1000 })
  // The last-used time is written at most once a minute.
  clock.advance(30_000)
  assert.equal((await apiKeys.authenticate(tenantId, key)).lastUsedAt, T0 + 1000)
  clock.advance(30_000)
  assert.equal((await apiKeys.authenticate(tenantId, key)).lastUsedAt, T0 + 61_000)
  assert.equal((await apiKeys.get(tenantId, apiKey.id))!.lastUsedAt, T0 + 61_000)
})

test('malformed, unknown, altered and other-tenant keys are invalid', async (t) => {
  const { apiKeys, storage, tenantId } = await setup(t)
  const { key } = await apiKeys.create({ tenantId, name: 'ci', scopes: [] })
  const other = await givenTenant(storage)
  const [, id, secret] = FORMAT.exec(key)!
  const flipped = secret!.slice(0, -1) + (secret!.endsWith('A') ? 'B' : 'A')
  const invalid = [
    '',
    'tsk_',
    key + 'x',
    key.toUpperCase(),
    `tsk_${id}_${flipped}`,
    `tsk_${'0'.repeat(32)}_${secret}`,
    ` ${key}`,
    42 as unknown as string,
  ]
  for (const candidate of invalid) {
    await assert.rejects(apiKeys.authenticate(tenantId, candidate), { code: 'ERR_TOKEN_INVALID' })
  }
  await assert.rejects(apiKeys.authenticate(other.id, key), { code: 'ERR_TOKEN_INVALID' })
  assert.deepEqual(await apiKeys.list(other.id), [])
  assert.equal(await apiKeys.get(other.id, id!), undefined)
  await assert.rejects(apiKeys.revoke(other.id, id!), { code: 'ERR_NOT_FOUND' })
  await apiKeys.authenticate(tenantId, key)
})

test('a revoked key stops working at once; revoking is audited once', async (t) => {
  const { apiKeys, storage, tenantId, clock } = await setup(t)
  const { key, apiKey } = await apiKeys.create({ tenantId, name: 'ci', scopes: [] })
  clock.advance(5)
  assert.equal(await apiKeys.revoke(tenantId, apiKey.id, { actor: 'admin-2' }), true)
  await assert.rejects(apiKeys.authenticate(tenantId, key), { code: 'ERR_TOKEN_REVOKED' })
  assert.equal(await apiKeys.revoke(tenantId, apiKey.id), false)
  assert.equal((await apiKeys.get(tenantId, apiKey.id))!.revokedAt, T0 + 5)
  const revoked = await events(storage, tenantId, 'api_key.revoked')
  assert.equal(revoked.length, 1)
  assert.deepEqual(revoked[0]!.details, { keyId: apiKey.id, name: 'ci' })
  assert.equal(revoked[0]!.actor, 'admin-2')
  await assert.rejects(apiKeys.revoke(tenantId, 'missing'), { code: 'ERR_NOT_FOUND' })
})

test('a key expires at its expiry time', async (t) => {
  const { apiKeys, tenantId, clock } = await setup(t)
  const expiresAt = T0 + HOUR
  const { key } = await apiKeys.create({ tenantId, name: 'temp', scopes: [], expiresAt })
  clock.advance(HOUR - 1)
  await apiKeys.authenticate(tenantId, key)
  clock.advance(1)
  await assert.rejects(apiKeys.authenticate(tenantId, key), { code: 'ERR_TOKEN_EXPIRED' })
})

test('create refuses bad names, scopes, expiry times and unknown tenants', async (t) => {
  const { apiKeys, tenantId } = await setup(t)
  const bad = [
    { name: '', scopes: [] },
    { name: 'x'.repeat(201), scopes: [] },
    { name: 'ok', scopes: ['a b'] },
    { name: 'ok', scopes: 'read' as unknown as string[] },
    { name: 'ok', scopes: [], expiresAt: T0 },
    { name: 'ok', scopes: [], expiresAt: T0 + 0.5 },
  ]
  for (const input of bad) {
    await assert.rejects(apiKeys.create({ tenantId, ...input }), { code: 'ERR_INVALID_INPUT' })
  }
  const unknown = apiKeys.create({ tenantId: 'nope', name: 'ok', scopes: [] })
  await assert.rejects(unknown, { code: 'ERR_NOT_FOUND' })
  assert.deepEqual(await apiKeys.list(tenantId), [])
})
