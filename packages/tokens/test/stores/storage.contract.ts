// The Storage contract: `transaction` is all-or-nothing across every store, the audit log included.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GENESIS_HASH } from '../../src/audit/chain.js'
import { InvalidInputError } from '../../src/errors.js'
import type { Storage, Stores } from '../../src/stores/interfaces.js'
import {
  chained,
  givenSession,
  refreshTokenRecord,
  rejectsWith,
  sessionRecord,
  signingKeyRecord,
  T0,
  tenantRecord,
  userRecord,
} from './fixtures.js'

/** Changes something in every store; returns what to look for afterwards. */
async function changeEverything(stores: Stores, base: Awaited<ReturnType<typeof givenSession>>) {
  const { tenant, user, session } = base
  const newTenant = tenantRecord()
  await stores.tenants.create(newTenant)
  await stores.tenants.update({ ...tenant, name: `${tenant.name}-renamed` })
  const newUser = userRecord(tenant.id)
  await stores.users.create(newUser)
  await stores.users.update({ ...user, failedAttempts: 3 })
  const newSession = sessionRecord(tenant.id, user.id)
  await stores.sessions.create(newSession)
  await stores.sessions.revoke(tenant.id, session.id, T0 + 1, 'logout')
  const token = refreshTokenRecord(tenant.id, session.id)
  await stores.sessions.addRefreshToken(token)
  await stores.revocations.put({
    tenantId: tenant.id,
    kind: 'session',
    subject: session.id,
    cutoff: T0,
    expiresAt: T0 + 10,
  })
  const key = signingKeyRecord(tenant.id)
  await stores.signingKeys.add(key)
  await stores.audit.append({ tenantId: tenant.id, type: 'logout', severity: 'info', time: T0 + 1 })
  await stores.audit.append({
    tenantId: newTenant.id,
    type: 'tenant.created',
    severity: 'notice',
    time: T0 + 1,
  })
  return { newTenant, newUser, newSession, token, key }
}

/** Registers the Storage transaction contract tests against storages made by `make`. */
export function storageContract(make: () => Promise<Storage>): void {
  test('transaction: a throw inside rolls back every store, the audit log included', async () => {
    const storage = await make()
    const base = await givenSession(storage)
    const { tenant, user, session } = base
    const [before] = await chained(storage.audit, [
      await storage.audit.append({
        tenantId: tenant.id,
        type: 'login.succeeded',
        severity: 'info',
        time: T0,
      }),
    ])
    let made: Awaited<ReturnType<typeof changeEverything>> | undefined
    const failure = new InvalidInputError('stop here')
    await assert.rejects(
      storage.transaction(async (stores) => {
        made = await changeEverything(stores, base)
        throw failure
      }),
      (err) => err === failure,
    )
    assert.ok(made)
    assert.deepEqual(await storage.tenants.list(), [tenant])
    assert.deepEqual(await storage.users.list(tenant.id), [user])
    assert.deepEqual(await storage.sessions.listByUser(tenant.id, user.id), [session])
    assert.equal(await storage.sessions.findRefreshToken(tenant.id, made.token.hash), undefined)
    assert.deepEqual(await storage.revocations.listActive(0), [])
    assert.deepEqual(await storage.signingKeys.listAll(), [])
    assert.deepEqual(await storage.audit.query({ tenantId: tenant.id }), [before!])
    assert.deepEqual(await storage.audit.query({ tenantId: made.newTenant.id }), [])
    assert.deepEqual(await storage.audit.head(tenant.id), {
      seq: 1,
      hash: before!.hash,
      anchorSeq: 0,
      anchorHash: GENESIS_HASH,
    })
    assert.deepEqual((await storage.audit.head(made.newTenant.id)).seq, 0)
    // The chain goes on from where it was: no gap where the rolled-back events were.
    const [after] = await chained(storage.audit, [
      await storage.audit.append({ tenantId: tenant.id, type: 'logout', severity: 'info' }),
    ])
    assert.equal(after!.seq, 2)
    assert.equal(after!.prevHash, before!.hash)
  })

  test('transaction: a commit keeps every change and its audit events, and returns the result', async () => {
    const storage = await make()
    const base = await givenSession(storage)
    const { tenant, user, session } = base
    const made = await storage.transaction((stores) => changeEverything(stores, base))
    assert.equal((await storage.tenants.list()).length, 2)
    assert.deepEqual(await storage.tenants.get(made.newTenant.id), made.newTenant)
    assert.equal((await storage.users.get(tenant.id, user.id))!.failedAttempts, 3)
    assert.deepEqual(await storage.users.get(tenant.id, made.newUser.id), made.newUser)
    assert.equal((await storage.sessions.get(tenant.id, session.id))!.revokedReason, 'logout')
    assert.deepEqual(await storage.sessions.get(tenant.id, made.newSession.id), made.newSession)
    assert.deepEqual(
      await storage.sessions.findRefreshToken(tenant.id, made.token.hash),
      made.token,
    )
    assert.equal((await storage.revocations.listActive(0)).length, 1)
    assert.deepEqual(await storage.signingKeys.list(tenant.id), [made.key])
    assert.deepEqual(
      (await storage.audit.query({ tenantId: tenant.id })).map((e) => e.type),
      ['logout'],
    )
    assert.deepEqual(
      (await storage.audit.query({ tenantId: made.newTenant.id })).map((e) => e.type),
      ['tenant.created'],
    )
  })

  test('transaction: a store error inside rolls back what came before it', async () => {
    const storage = await make()
    const { tenant, user } = await givenSession(storage)
    await rejectsWith(
      storage.transaction(async (stores) => {
        await stores.audit.append({ tenantId: tenant.id, type: 'user.created', severity: 'info' })
        await stores.users.create(userRecord(tenant.id, { id: 'fresh', username: 'fresh' }))
        await stores.users.create(userRecord(tenant.id, { username: user.username }))
      }),
      'ERR_CONFLICT',
    )
    assert.equal(await storage.users.get(tenant.id, 'fresh'), undefined)
    assert.deepEqual(await storage.audit.query({ tenantId: tenant.id }), [])
  })

  test('transaction: an error that is not a TokenError becomes ERR_STORE_UNAVAILABLE, with its cause', async () => {
    const storage = await make()
    const boom = new Error('boom')
    await assert.rejects(
      storage.transaction(async (stores) => {
        await stores.tenants.create(tenantRecord())
        throw boom
      }),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_STORE_UNAVAILABLE' && err.cause === boom,
    )
    assert.deepEqual(await storage.tenants.list(), [])
  })

  test('transaction: concurrent transactions each commit or roll back on their own', async () => {
    const storage = await make()
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        storage.transaction(async (stores) => {
          const tenant = tenantRecord({ name: `concurrent-${i}` })
          await stores.tenants.create(tenant)
          await stores.audit.append({
            tenantId: tenant.id,
            type: 'tenant.created',
            severity: 'notice',
          })
          if (i % 2 === 1) throw new InvalidInputError('odd ones fail')
          return tenant.id
        }),
      ),
    )
    assert.deepEqual(
      results.map((r) => r.status),
      Array.from({ length: 10 }, (_, i) => (i % 2 ? 'rejected' : 'fulfilled')),
    )
    const names = (await storage.tenants.list()).map((t) => t.name)
    assert.deepEqual(names, [
      'concurrent-0',
      'concurrent-2',
      'concurrent-4',
      'concurrent-6',
      'concurrent-8',
    ])
    for (const r of results) {
      if (r.status === 'fulfilled') assert.equal((await storage.audit.head(r.value)).seq, 1)
    }
  })
}
