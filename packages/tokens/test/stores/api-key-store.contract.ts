// The ApiKeyStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
import type { ApiKeyRecord } from '../../src/stores/records.js'
import { givenTenant, rejectsWith, T0 } from './fixtures.js'

/** An active API key of `tenantId` with a unique id and hash. */
function apiKeyRecord(tenantId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomBytes(16).toString('hex'),
    tenantId,
    name: 'billing export',
    hash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    scopes: ['invoices:read', 'invoices:write'],
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  }
}

/** Registers the ApiKeyStore contract tests against storages made by `make`. */
export function apiKeyStoreContract(make: () => Promise<Storage>): void {
  test('api keys: create, then get and find by hash', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const key = apiKeyRecord(tenant.id)
    const forever = apiKeyRecord(tenant.id, { expiresAt: null, scopes: [] })
    await storage.apiKeys.create(key)
    await storage.apiKeys.create(forever)
    assert.deepEqual(await storage.apiKeys.get(tenant.id, key.id), key)
    assert.deepEqual(await storage.apiKeys.findByHash(tenant.id, key.hash), key)
    assert.deepEqual(await storage.apiKeys.get(tenant.id, forever.id), forever)
    assert.equal(await storage.apiKeys.get(tenant.id, 'missing'), undefined)
    assert.equal(await storage.apiKeys.findByHash(tenant.id, 'missing'), undefined)
  })

  test('api keys: a key of tenant A is invisible and untouchable in tenant B', async () => {
    const storage = await make()
    const a = await givenTenant(storage)
    const b = await givenTenant(storage)
    const key = apiKeyRecord(a.id)
    await storage.apiKeys.create(key)
    assert.equal(await storage.apiKeys.get(b.id, key.id), undefined)
    assert.equal(await storage.apiKeys.findByHash(b.id, key.hash), undefined)
    assert.deepEqual(await storage.apiKeys.list(b.id), [])
    assert.equal(await storage.apiKeys.revoke(b.id, key.id, T0 + 1), false)
    await storage.apiKeys.touchLastUsed(b.id, key.id, T0 + 1)
    assert.deepEqual(await storage.apiKeys.get(a.id, key.id), key)
  })

  test("api keys: list is the tenant's keys, oldest first", async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const other = await givenTenant(storage)
    const second = apiKeyRecord(tenant.id, { createdAt: T0 + 2 })
    const first = apiKeyRecord(tenant.id, { createdAt: T0 + 1 })
    for (const key of [second, first, apiKeyRecord(other.id)]) await storage.apiKeys.create(key)
    assert.deepEqual(await storage.apiKeys.list(tenant.id), [first, second])
  })

  test('api keys: an id or a hash is unique everywhere', async () => {
    const storage = await make()
    const a = await givenTenant(storage)
    const b = await givenTenant(storage)
    const key = apiKeyRecord(a.id)
    await storage.apiKeys.create(key)
    await rejectsWith(
      storage.apiKeys.create(apiKeyRecord(b.id, { hash: key.hash })),
      'ERR_CONFLICT',
    )
    await rejectsWith(storage.apiKeys.create(apiKeyRecord(b.id, { id: key.id })), 'ERR_CONFLICT')
    assert.deepEqual(await storage.apiKeys.list(b.id), [])
  })

  test('api keys: revoke wins once and keeps the first time', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const key = apiKeyRecord(tenant.id)
    await storage.apiKeys.create(key)
    const wins = await Promise.all([
      storage.apiKeys.revoke(tenant.id, key.id, T0 + 5),
      storage.apiKeys.revoke(tenant.id, key.id, T0 + 6),
    ])
    assert.equal(wins.filter(Boolean).length, 1)
    const revokedAt = (await storage.apiKeys.get(tenant.id, key.id))!.revokedAt
    assert.ok(revokedAt === T0 + 5 || revokedAt === T0 + 6)
    assert.equal(await storage.apiKeys.revoke(tenant.id, key.id, T0 + 9), false)
    assert.equal((await storage.apiKeys.get(tenant.id, key.id))!.revokedAt, revokedAt)
    assert.equal(await storage.apiKeys.revoke(tenant.id, 'missing', T0), false)
  })

  test('api keys: the last-used time only moves forward', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const key = apiKeyRecord(tenant.id)
    await storage.apiKeys.create(key)
    await storage.apiKeys.touchLastUsed(tenant.id, key.id, T0 + 10)
    assert.equal((await storage.apiKeys.get(tenant.id, key.id))!.lastUsedAt, T0 + 10)
    await storage.apiKeys.touchLastUsed(tenant.id, key.id, T0 + 5)
    assert.equal((await storage.apiKeys.get(tenant.id, key.id))!.lastUsedAt, T0 + 10)
    await storage.apiKeys.touchLastUsed(tenant.id, key.id, T0 + 20)
    assert.equal((await storage.apiKeys.get(tenant.id, key.id))!.lastUsedAt, T0 + 20)
  })

  test('api keys: a key written in a transaction that throws is not there', async () => {
    const storage = await make()
    const tenant = await givenTenant(storage)
    const key = apiKeyRecord(tenant.id)
    await assert.rejects(
      storage.transaction(async (stores) => {
        await stores.apiKeys.create(key)
        throw new Error('roll back')
      }),
    )
    assert.equal(await storage.apiKeys.get(tenant.id, key.id), undefined)
  })
}
