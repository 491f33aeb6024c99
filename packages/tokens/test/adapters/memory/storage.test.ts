// What the memory storage promises beyond the store contracts (which it passes with SQLite): its
// transactions never interleave, and misuse fails fast instead of waiting forever.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMemoryStorage } from '../../../src/adapters/memory/storage.js'
import { AuditLog } from '../../../src/audit-log.js'
import type { Stores } from '../../../src/stores/interfaces.js'
import { givenTenant, T0, userRecord } from '../../stores/fixtures.js'

test('transactions run one at a time: concurrent read-modify-writes lose nothing', async () => {
  const storage = createMemoryStorage()
  const tenant = await givenTenant(storage)
  const user = userRecord(tenant.id)
  await storage.users.create(user)
  await Promise.all(
    Array.from({ length: 25 }, () =>
      storage.transaction(async (stores) => {
        const current = (await stores.users.get(tenant.id, user.id))!
        await new Promise((resolve) => setImmediate(resolve))
        await stores.users.update({ ...current, failedAttempts: current.failedAttempts + 1 })
      }),
    ),
  )
  assert.equal((await storage.users.get(tenant.id, user.id))!.failedAttempts, 25)
})

test("inside a transaction, the storage's own stores and nested transactions fail fast", async () => {
  const storage = createMemoryStorage()
  await assert.rejects(
    storage.transaction(() => storage.tenants.list()),
    { code: 'ERR_STORE_UNAVAILABLE' },
  )
  await assert.rejects(
    storage.transaction(() => storage.transaction(async () => 1)),
    { code: 'ERR_STORE_UNAVAILABLE' },
  )
  // The lock is free again afterwards.
  assert.deepEqual(await storage.tenants.list(), [])
})

test('stores kept past their transaction refuse to work', async () => {
  const storage = createMemoryStorage()
  let kept: Stores | undefined
  await storage.transaction(async (stores) => {
    kept = stores
  })
  await assert.rejects(kept!.tenants.list(), { code: 'ERR_STORE_UNAVAILABLE' })
  // A background task started inside a transaction may use the storage once it has ended.
  let later: Promise<unknown> | undefined
  await storage.transaction(async () => {
    later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => storage.tenants.list())
  })
  assert.deepEqual(await later, [])
})

test('a closed storage refuses every operation', async () => {
  const storage = createMemoryStorage()
  await storage.close()
  await assert.rejects(storage.tenants.list(), { code: 'ERR_STORE_UNAVAILABLE' })
  await assert.rejects(
    storage.audit.append({ tenantId: 't', type: 'logout', severity: 'info', time: T0 }),
    { code: 'ERR_STORE_UNAVAILABLE' },
  )
  await assert.rejects(
    storage.transaction(async () => 1),
    { code: 'ERR_STORE_UNAVAILABLE' },
  )
})

test('the audit log verifies, prunes and exports on the memory storage too', async () => {
  const storage = createMemoryStorage()
  const audit = new AuditLog(storage)
  for (let i = 0; i < 25; i++) {
    await audit.record({ tenantId: 't', type: 'token.refreshed', severity: 'info', time: T0 + i })
  }
  assert.deepEqual(await audit.verifyChain('t'), { ok: true, checked: 25 })
  assert.equal(await audit.prune('t', T0 + 10), 10)
  assert.deepEqual(await audit.verifyChain('t'), { ok: true, checked: 15 })
  const lines: string[] = []
  for await (const line of audit.export({ tenantId: 't' })) lines.push(line)
  assert.deepEqual(
    lines.map((line) => (JSON.parse(line) as { seq: number }).seq),
    Array.from({ length: 15 }, (_, i) => 25 - i),
  )
})
