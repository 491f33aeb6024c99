// The RevocationStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
import type { RevocationRecord } from '../../src/stores/records.js'
import { T0, uid } from './fixtures.js'

function sorted(records: RevocationRecord[]): RevocationRecord[] {
  const key = (r: RevocationRecord) => `${r.tenantId}/${r.kind}/${r.subject}`
  return [...records].sort((a, b) => key(a).localeCompare(key(b)))
}

/** Registers the RevocationStore contract tests against storages made by `make`. */
export function revocationStoreContract(make: () => Promise<Storage>): void {
  test('revocations: put, then listActive holds what has not expired', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const jti: RevocationRecord = {
      tenantId,
      kind: 'jti',
      subject: 'j1',
      cutoff: T0,
      expiresAt: T0 + 100,
    }
    const session: RevocationRecord = {
      tenantId,
      kind: 'session',
      subject: 's1',
      cutoff: T0,
      expiresAt: T0 + 50,
    }
    const user: RevocationRecord = {
      tenantId,
      kind: 'user',
      subject: 'u1',
      cutoff: T0 + 1,
      expiresAt: T0 + 900,
    }
    const tenant: RevocationRecord = {
      tenantId,
      kind: 'tenant',
      subject: tenantId,
      cutoff: T0,
      expiresAt: T0 + 900,
    }
    for (const r of [jti, session, user, tenant]) await storage.revocations.put(r)
    assert.deepEqual(
      sorted(await storage.revocations.listActive(T0)),
      sorted([jti, session, user, tenant]),
    )
    // In force while expiresAt > now.
    assert.deepEqual(
      sorted(await storage.revocations.listActive(T0 + 50)),
      sorted([jti, user, tenant]),
    )
    assert.deepEqual(sorted(await storage.revocations.listActive(T0 + 100)), sorted([user, tenant]))
    assert.deepEqual(await storage.revocations.listActive(T0 + 900), [])
  })

  test('revocations: a second put only widens (the later cutoff and expiry win)', async () => {
    const storage = await make()
    const base: RevocationRecord = {
      tenantId: uid('t'),
      kind: 'user',
      subject: 'u1',
      cutoff: T0 + 10,
      expiresAt: T0 + 100,
    }
    await storage.revocations.put(base)
    await storage.revocations.put({ ...base, cutoff: T0 + 5, expiresAt: T0 + 50 })
    assert.deepEqual(await storage.revocations.listActive(T0), [base])
    await storage.revocations.put({ ...base, cutoff: T0 + 20, expiresAt: T0 + 60 })
    assert.deepEqual(await storage.revocations.listActive(T0), [{ ...base, cutoff: T0 + 20 }])
    await storage.revocations.put({ ...base, cutoff: T0 + 1, expiresAt: T0 + 200 })
    assert.deepEqual(await storage.revocations.listActive(T0), [
      { ...base, cutoff: T0 + 20, expiresAt: T0 + 200 },
    ])
  })

  test('revocations: the same subject in two tenants is two revocations', async () => {
    const storage = await make()
    const a: RevocationRecord = {
      tenantId: uid('a'),
      kind: 'jti',
      subject: 'same',
      cutoff: T0,
      expiresAt: T0 + 10,
    }
    const b: RevocationRecord = { ...a, tenantId: uid('b'), cutoff: T0 + 3, expiresAt: T0 + 99 }
    await storage.revocations.put(a)
    await storage.revocations.put(b)
    assert.deepEqual(sorted(await storage.revocations.listActive(T0)), sorted([a, b]))
    assert.deepEqual(await storage.revocations.listActive(T0 + 10), [b])
  })

  test('revocations: concurrent puts of one subject end with the widest, without conflict', async () => {
    const storage = await make()
    const base: RevocationRecord = {
      tenantId: uid('t'),
      kind: 'user',
      subject: 'u1',
      cutoff: T0,
      expiresAt: T0,
    }
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        storage.revocations.put({ ...base, cutoff: T0 + i, expiresAt: T0 + 1000 - i }),
      ),
    )
    assert.deepEqual(await storage.revocations.listActive(T0), [
      { ...base, cutoff: T0 + 19, expiresAt: T0 + 1000 },
    ])
  })

  test('revocations: prune removes what has expired and counts it', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const gone: RevocationRecord = {
      tenantId,
      kind: 'jti',
      subject: 'old',
      cutoff: T0,
      expiresAt: T0 + 10,
    }
    const edge: RevocationRecord = { ...gone, subject: 'edge', expiresAt: T0 + 20 }
    const kept: RevocationRecord = { ...gone, subject: 'kept', expiresAt: T0 + 21 }
    for (const r of [gone, edge, kept]) await storage.revocations.put(r)
    assert.equal(await storage.revocations.prune(T0 + 20), 2)
    assert.equal(await storage.revocations.prune(T0 + 20), 0)
    assert.deepEqual(await storage.revocations.listActive(0), [kept])
  })
}
