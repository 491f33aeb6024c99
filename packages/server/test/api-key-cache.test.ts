// The API key cache on a real SQLite file: a key the store accepted is accepted from memory until
// it is revoked (at once), it expires, or the TTL runs out; a wrong secret never is.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Database from 'better-sqlite3'
import {
  ApiKeys,
  createSqlStorage,
  openSqlite,
  Tenants,
  type ApiKey,
  type RevocationRecord,
} from '@tessera/tokens'
import { ApiKeyCache, type ApiKeyCacheOptions } from '../src/api-key-cache.js'
import { Clock } from './support.js'

const TTL = 30_000

/** A cache over ApiKeys on a fresh SQLite file; `reads` counts the answers the store gave. */
async function setup(t: TestContext, options: Partial<ApiKeyCacheOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-key-cache-'))
  const storage = await createSqlStorage(
    openSqlite({ driver: Database, filename: join(dir, 'tessera.db') }),
  )
  t.after(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const clock = new Clock()
  const tenant = await new Tenants(storage, clock.fn).create('default')
  const revocations: RevocationRecord[] = []
  const apiKeys = new ApiKeys({
    storage,
    clock: clock.fn,
    onRevoked: (revoked) => {
      revocations.push(...revoked)
      revoked.forEach((r) => cache.revoked(r))
    },
  })
  const counted = { reads: 0 }
  const store = {
    authenticate: async (tenantId: string, key: string): Promise<ApiKey> => {
      counted.reads++
      return apiKeys.authenticate(tenantId, key)
    },
  }
  const cache = new ApiKeyCache({ apiKeys: store, ttlMs: TTL, clock: clock.fn, ...options })
  const create = (expiresAt: number | null = null) =>
    apiKeys.create({ tenantId: tenant.id, name: 'client', scopes: ['introspect'], expiresAt })
  return { cache, apiKeys, storage, clock, tenantId: tenant.id, counted, create, revocations }
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: { code?: string }) => {
    assert.equal(err.code, code)
    return true
  })
}

test('a key the store accepted is accepted from memory, with its record', async (t) => {
  const { cache, counted, create, tenantId } = await setup(t)
  const { key, apiKey } = await create()
  const first = await cache.authenticate(tenantId, key)
  const second = await cache.authenticate(tenantId, key)
  assert.equal(first.id, apiKey.id)
  assert.deepEqual(second, first)
  assert.deepEqual(second.scopes, ['introspect'])
  assert.equal(counted.reads, 1)
  assert.equal(cache.size, 1)
  assert.ok(Object.isFrozen(second) && Object.isFrozen(second.scopes), 'callers cannot edit it')
})

test('a wrong secret for a key in memory is refused, as the store refuses it', async (t) => {
  const { cache, counted, create, tenantId } = await setup(t)
  const { key } = await create()
  await cache.authenticate(tenantId, key)
  const last = key.at(-1) === 'A' ? 'B' : 'A'
  const wrong = `${key.slice(0, -1)}${last}`
  await rejectsWith(cache.authenticate(tenantId, wrong), 'ERR_TOKEN_INVALID')
  // Another tenant's id space: not the cached key.
  await rejectsWith(cache.authenticate('other-tenant', key), 'ERR_TOKEN_INVALID')
  assert.equal(counted.reads, 3)
  // The right key is still in memory.
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 3)
})

test('a revoked key is refused at once, though it was in memory', async (t) => {
  const { cache, apiKeys, create, tenantId, revocations } = await setup(t)
  const { key, apiKey } = await create()
  await cache.authenticate(tenantId, key)
  assert.equal(await apiKeys.revoke(tenantId, apiKey.id), true)
  assert.equal(revocations.length, 1)
  await rejectsWith(cache.authenticate(tenantId, key), 'ERR_TOKEN_REVOKED')
  assert.equal(cache.size, 0)
})

test('other revocations (a session, a user) leave the keys in memory', async (t) => {
  const { cache, counted, create, tenantId, clock } = await setup(t)
  const { key } = await create()
  await cache.authenticate(tenantId, key)
  const revocation = { tenantId, cutoff: clock.now, expiresAt: clock.now + 60_000 }
  cache.revoked({ ...revocation, kind: 'session', subject: 'a-user-session' })
  cache.revoked({ ...revocation, kind: 'user', subject: 'api-key:nobody' })
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 1)
})

test('without word of a revocation, a key is accepted from memory for the TTL at most', async (t) => {
  const { cache, counted, create, tenantId, storage, clock } = await setup(t)
  const { key, apiKey } = await create()
  await cache.authenticate(tenantId, key)
  // Revoked behind the cache's back (another instance without Redis, a direct write).
  assert.equal(await storage.apiKeys.revoke(tenantId, apiKey.id, clock.now), true)
  clock.advance(TTL - 1)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 1)
  clock.advance(1)
  await rejectsWith(cache.authenticate(tenantId, key), 'ERR_TOKEN_REVOKED')
  assert.equal(counted.reads, 2)
})

test('a key in memory stops at its expiry', async (t) => {
  const { cache, create, tenantId, clock } = await setup(t)
  const { key } = await create(Date.now() + 10_000)
  await cache.authenticate(tenantId, key)
  clock.now = Date.now() + 10_000
  await rejectsWith(cache.authenticate(tenantId, key), 'ERR_TOKEN_EXPIRED')
})

test('a revocation while the store is read keeps that answer out of memory', async (t) => {
  const { cache, counted, create, tenantId, clock } = await setup(t)
  const { key, apiKey } = await create()
  // The store answers (the key is valid), then a revocation arrives before the answer is kept.
  const pending = cache.authenticate(tenantId, key)
  cache.revoked({
    tenantId,
    kind: 'session',
    subject: `api-key:${apiKey.id}`,
    cutoff: clock.now,
    expiresAt: clock.now + 60_000,
  })
  assert.equal((await pending).id, apiKey.id)
  assert.equal(cache.size, 0)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 2)
})

test('clear() forgets every key', async (t) => {
  const { cache, counted, create, tenantId } = await setup(t)
  const { key } = await create()
  await cache.authenticate(tenantId, key)
  cache.clear()
  assert.equal(cache.size, 0)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 2)
})

test('while changes from other instances may be missed, every key is read from the store', async (t) => {
  let current = true
  const { cache, counted, create, tenantId } = await setup(t, { current: () => current })
  const { key } = await create()
  await cache.authenticate(tenantId, key)
  current = false
  await cache.authenticate(tenantId, key)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 3)
  assert.equal(cache.size, 0)
  current = true
  await cache.authenticate(tenantId, key)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 4)
})

test('a TTL of 0 turns the cache off', async (t) => {
  const { cache, counted, create, tenantId } = await setup(t, { ttlMs: 0 })
  const { key } = await create()
  await cache.authenticate(tenantId, key)
  await cache.authenticate(tenantId, key)
  assert.equal(counted.reads, 2)
  assert.equal(cache.size, 0)
})

test('the cache holds at most maxEntries keys, dropping the oldest', async (t) => {
  const { cache, counted, create, tenantId } = await setup(t, { maxEntries: 2 })
  const keys = [(await create()).key, (await create()).key, (await create()).key]
  for (const key of keys) await cache.authenticate(tenantId, key)
  assert.equal(cache.size, 2)
  await cache.authenticate(tenantId, keys[2]!)
  await cache.authenticate(tenantId, keys[1]!)
  assert.equal(counted.reads, 3)
  await cache.authenticate(tenantId, keys[0]!)
  assert.equal(counted.reads, 4)
})

test('malformed keys go to the store, which refuses them', async (t) => {
  const { cache, counted, tenantId } = await setup(t)
  for (const key of ['', 'tsk_', `tsk_${'0'.repeat(32)}_short`, 'x'.repeat(10_000)]) {
    await rejectsWith(cache.authenticate(tenantId, key), 'ERR_TOKEN_INVALID')
  }
  assert.equal(counted.reads, 4)
  assert.equal(cache.size, 0)
})
