// SQLite transactions that arrive together share one commit (see group-commit.ts). Sharing must be
// invisible to callers: each gets its own outcome, in arrival order, and a failure stays its own.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { MAX_GROUP } from '../../src/adapters/sql/group-commit.js'
import { verifyChain } from '../../src/audit/verify.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { InvalidInputError, StoreUnavailableError } from '../../src/errors.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { events, givenTenant, sqliteStorage, T0 } from '../support.js'

const append = (storage: Storage, tenantId: string, userId: string) =>
  storage.transaction(async (tx) => {
    const event = await tx.audit.append({
      tenantId,
      type: 'login.succeeded',
      severity: 'info',
      userId,
      time: T0,
    })
    return event.id
  })

/** The seq each event got in the chain. */
const seqsOf = async (storage: Storage, tenantId: string, ids: string[]) => {
  const chain = await storage.audit.chain(tenantId, 0, 10_000)
  const seqOf = new Map(chain.map((event) => [event.id, event.seq]))
  return ids.map((id) => seqOf.get(id))
}

test('transactions started together run in arrival order and all commit', async (t) => {
  const { storage } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  const count = MAX_GROUP * 2 + 3
  const ids = await Promise.all(
    Array.from({ length: count }, (_, i) => append(storage, tenant.id, `u${i}`)),
  )
  const seqs = await seqsOf(storage, tenant.id, ids)
  assert.deepEqual(
    seqs,
    Array.from({ length: count }, (_, i) => seqs[0]! + i),
  )
  const stored = await events(storage, tenant.id, 'login.succeeded')
  assert.deepEqual(
    stored.map((event) => event.userId),
    Array.from({ length: count }, (_, i) => `u${i}`),
  )
  assert.equal((await verifyChain(storage.audit, tenant.id)).ok, true)
})

test('one failing transaction among many is rolled back alone and gets its own error', async (t) => {
  const { storage } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  const failing = (error: Error) =>
    storage.transaction(async (tx) => {
      await tx.audit.append({ tenantId: tenant.id, type: 'logout', severity: 'info', time: T0 })
      throw error
    })
  const outcomes = await Promise.allSettled([
    append(storage, tenant.id, 'before'),
    failing(new InvalidInputError('ours')),
    append(storage, tenant.id, 'between'),
    failing(new TypeError('a bug')),
    append(storage, tenant.id, 'after'),
  ])
  assert.deepEqual(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
  )
  const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason as Error
  assert.ok(reason(1) instanceof InvalidInputError && reason(1).message === 'ours')
  // Anything not ours is typed as a store failure, as outside a group.
  assert.ok(reason(3) instanceof StoreUnavailableError)
  assert.ok(reason(3).cause instanceof TypeError)
  const stored = await events(storage, tenant.id)
  assert.deepEqual(
    stored.filter((event) => event.type !== 'tenant.created').map((event) => event.userId),
    ['before', 'between', 'after'],
  )
  assert.equal((await verifyChain(storage.audit, tenant.id)).ok, true)
})

test('a transaction alone still commits, and a failing one alone rolls back', async (t) => {
  const { storage } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  await append(storage, tenant.id, 'alone')
  await assert.rejects(
    storage.transaction(async (tx) => {
      await tx.audit.append({ tenantId: tenant.id, type: 'logout', severity: 'info', time: T0 })
      throw new InvalidInputError('no')
    }),
    InvalidInputError,
  )
  const stored = await events(storage, tenant.id, 'login.succeeded', 'logout')
  assert.deepEqual(
    stored.map((event) => event.userId),
    ['alone'],
  )
})

test('close waits for queued transactions, and what they wrote is on disk', async (t) => {
  const { storage, file } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  const pending = Array.from({ length: 10 }, (_, i) => append(storage, tenant.id, `q${i}`))
  await storage.close()
  assert.equal((await Promise.all(pending)).length, 10)
  // Closing chained them too: nothing is left in the queue.
  const raw = new Database(file, { readonly: true })
  assert.deepEqual(raw.prepare('select count(*) as n from audit_queue').get(), { n: 0 })
  raw.close()
  const reopened = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
  t.after(() => reopened.close())
  assert.equal((await events(reopened, tenant.id, 'login.succeeded')).length, 10)
})
