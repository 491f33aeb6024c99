// observeChanges: other instances hear of a change only once it has committed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMemoryStorage } from '../../src/adapters/memory/storage.js'
import { observeChanges, type StateChange } from '../../src/stores/change-feed.js'
import type { RevocationRecord } from '../../src/stores/records.js'
import { signingKeyRecord, T0, tenantRecord, uid } from './fixtures.js'

function observed() {
  const heard: StateChange[][] = []
  const storage = observeChanges(createMemoryStorage(), (changes) => heard.push(changes))
  return { storage, heard }
}

const revocation = (tenantId: string): RevocationRecord => ({
  tenantId,
  kind: 'user',
  subject: uid('u'),
  cutoff: T0,
  expiresAt: T0 + 1000,
})

test('a write outside a transaction is reported once it succeeds', async () => {
  const { storage, heard } = observed()
  const tenant = tenantRecord()
  await storage.tenants.create(tenant)
  await storage.tenants.update({ ...tenant, updatedAt: T0 + 1 })
  const key = signingKeyRecord(tenant.id)
  await storage.signingKeys.add(key)
  await storage.signingKeys.update({ ...key, state: 'retired' })
  const r = revocation(tenant.id)
  await storage.revocations.put(r)
  assert.deepEqual(heard, [
    [{ kind: 'tenant', tenantId: tenant.id }],
    [{ kind: 'tenant', tenantId: tenant.id }],
    [{ kind: 'keys', tenantId: tenant.id }],
    [{ kind: 'keys', tenantId: tenant.id }],
    [{ kind: 'revocation', revocation: r }],
  ])
  // Reads and other stores say nothing.
  await storage.revocations.listActive(T0)
  await storage.signingKeys.list(tenant.id)
  await storage.tenants.list()
  assert.equal(heard.length, 5)
})

test('a transaction reports its changes together, after it commits', async () => {
  const { storage, heard } = observed()
  const tenant = tenantRecord()
  const a = revocation(tenant.id)
  const b = revocation(tenant.id)
  await storage.transaction(async (tx) => {
    await tx.tenants.create(tenant)
    await tx.revocations.put(a)
    await tx.revocations.put(b)
    assert.equal(heard.length, 0, 'nothing is reported before the commit')
  })
  assert.deepEqual(heard, [
    [
      { kind: 'tenant', tenantId: tenant.id },
      { kind: 'revocation', revocation: a },
      { kind: 'revocation', revocation: b },
    ],
  ])
})

test('a transaction that rolls back reports nothing, and a failed write nothing either', async () => {
  const { storage, heard } = observed()
  const tenant = tenantRecord()
  await assert.rejects(
    storage.transaction(async (tx) => {
      await tx.revocations.put(revocation(tenant.id))
      throw new Error('roll back')
    }),
    { code: 'ERR_STORE_UNAVAILABLE' },
  )
  assert.deepEqual(await storage.revocations.listActive(T0), [])
  await storage.tenants.create(tenant)
  await assert.rejects(storage.tenants.create(tenant), { code: 'ERR_CONFLICT' })
  assert.equal(heard.length, 1)
})

test('a listener that throws does not fail the committed write', async () => {
  const storage = observeChanges(createMemoryStorage(), () => {
    throw new Error('listener broke')
  })
  const tenant = tenantRecord()
  await storage.tenants.create(tenant)
  assert.equal((await storage.tenants.get(tenant.id))?.id, tenant.id)
})
