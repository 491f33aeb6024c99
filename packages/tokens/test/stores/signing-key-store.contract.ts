// The SigningKeyStore contract: every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Storage } from '../../src/stores/interfaces.js'
import { rejectsWith, signingKeyRecord, T0, uid } from './fixtures.js'

/** Registers the SigningKeyStore contract tests against storages made by `make`. */
export function signingKeyStoreContract(make: () => Promise<Storage>): void {
  test("signing keys: add, then list a tenant's keys oldest first", async () => {
    const storage = await make()
    const tenantId = uid('t')
    const newest = signingKeyRecord(tenantId, {
      state: 'next',
      createdAt: T0 + 20,
      activatesAt: T0 + 99,
    })
    const oldest = signingKeyRecord(tenantId, {
      state: 'retired',
      createdAt: T0,
      retiredAt: T0 + 20,
      removeAt: T0 + 900,
    })
    const tiedB = signingKeyRecord(tenantId, { kid: 'tie-b', createdAt: T0 + 10 })
    const tiedA = signingKeyRecord(tenantId, { kid: 'tie-a', createdAt: T0 + 10, alg: 'RS256' })
    for (const key of [newest, oldest, tiedB, tiedA]) await storage.signingKeys.add(key)
    assert.deepEqual(await storage.signingKeys.list(tenantId), [oldest, tiedA, tiedB, newest])
    assert.deepEqual(await storage.signingKeys.list(uid('t')), [])
  })

  test('signing keys: transactions that lock one tenant run one after the other', async () => {
    const storage = await make()
    const tenantId = uid('t')
    // Each adds a key only if there is none: without the lock, both would read none and add one.
    const addIfNone = () =>
      storage.transaction(async (tx) => {
        await tx.signingKeys.lock(tenantId)
        const none = (await tx.signingKeys.list(tenantId)).length === 0
        await new Promise((resolve) => setTimeout(resolve, 30))
        if (none) await tx.signingKeys.add(signingKeyRecord(tenantId))
      })
    await Promise.all([addIfNone(), addIfNone(), addIfNone()])
    assert.equal((await storage.signingKeys.list(tenantId)).length, 1)
  })

  test("signing keys: listAll is every tenant's keys, ordered by kid", async () => {
    const storage = await make()
    const a = signingKeyRecord(uid('a'), { kid: 'kid-2' })
    const b = signingKeyRecord(uid('b'), { kid: 'kid-1' })
    const c = signingKeyRecord(uid('a'), { kid: 'kid-3' })
    for (const key of [a, b, c]) await storage.signingKeys.add(key)
    assert.deepEqual(await storage.signingKeys.listAll(), [b, a, c])
  })

  test('signing keys: update changes state, times and the wrapped key', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const key = signingKeyRecord(tenantId)
    await storage.signingKeys.add(key)
    const retired = {
      ...key,
      state: 'retired' as const,
      privateJwe: 'rewrapped.a.b.c.d',
      retiredAt: T0 + 5,
      removeAt: T0 + 905,
    }
    await storage.signingKeys.update(retired)
    assert.deepEqual(await storage.signingKeys.list(tenantId), [retired])
  })

  test('signing keys: a key of tenant A is invisible and unchangeable in tenant B', async () => {
    const storage = await make()
    const a = uid('a')
    const b = uid('b')
    const key = signingKeyRecord(a)
    await storage.signingKeys.add(key)
    assert.deepEqual(await storage.signingKeys.list(b), [])
    await storage.signingKeys.update({ ...key, tenantId: b, state: 'revoked' })
    assert.deepEqual(await storage.signingKeys.list(a), [key])
    assert.deepEqual(await storage.signingKeys.list(b), [])
  })

  test('signing keys: a kid is unique (ERR_CONFLICT)', async () => {
    const storage = await make()
    const key = signingKeyRecord(uid('t'))
    await storage.signingKeys.add(key)
    await rejectsWith(
      storage.signingKeys.add(signingKeyRecord(uid('t'), { kid: key.kid })),
      'ERR_CONFLICT',
    )
    assert.deepEqual(await storage.signingKeys.listAll(), [key])
  })
}
