// Audit events chained after the commit (PostgreSQL's default, see audit-sealer.ts) commit to a
// queue with their change. These tests look at the tables themselves, never through the store's
// reads (which seal first): events get chained with no read at all, events a stopped process left
// queued are chained by another's sweep, and two processes sealing one tenant at once never fork
// its chain (the head lock serialises them; the (tenant, seq) key would refuse a fork anyway).
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect } from 'kysely'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { SEAL_BATCH } from '../../src/adapters/sql/audit-sealer.js'
import { recordEvent } from '../../src/audit/chain.js'
import { verifyChain } from '../../src/audit/verify.js'
import type { Database as Schema } from '../../src/db/schema.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { privateSchema } from '../stores/adapters.js'
import { sqliteStorage, T0 } from '../support.js'

const PG_URL = process.env.TESSERA_TEST_PG_URL

/** Polls until `done` holds; fails after `ms`. For work a background task does, not for speed. */
async function eventually(done: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await done())) {
    if (Date.now() > end) assert.fail('the background seal did not happen')
    await sleep(10)
  }
}

test('events are chained after their commit, without any read', async (t) => {
  // No sweep during the test: what chains the events is their commit.
  const { storage, file } = await sqliteStorage(t, {
    auditChaining: 'after-commit',
    auditSweepIntervalMs: 3_600_000,
  })
  const raw = new Database(file, { readonly: true })
  t.after(() => raw.close())
  const count = (table: string) =>
    (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
  await storage.transaction(async (tx) => {
    for (let i = 0; i < 3; i++) {
      await tx.audit.append({ tenantId: 'acme', type: 'logout', severity: 'info', time: T0 + i })
    }
  })
  await eventually(() => count('audit_queue') === 0)
  assert.equal(count('audit_events'), 3)
  await storage.audit.append({ tenantId: 'acme', type: 'logout', severity: 'info', time: T0 + 3 })
  await eventually(() => count('audit_queue') === 0)
  assert.equal(count('audit_events'), 4)
  const seqs = raw.prepare('select seq from audit_events order by seq').all()
  assert.deepEqual(seqs, [{ seq: 1 }, { seq: 2 }, { seq: 3 }, { seq: 4 }])
})

test('events another process left queued are chained by the sweep', async (t) => {
  const { file } = await sqliteStorage(t)
  // As a process killed between its commit and its seal leaves them: committed, not chained.
  const raw = new Database(file)
  t.after(() => raw.close())
  const insert = raw.prepare(
    `insert into audit_queue (id, tenant_id, time, type, severity, details) values (?, ?, ?, ?, ?, ?)`,
  )
  const left = Array.from({ length: SEAL_BATCH + 7 }, (_, i) =>
    recordEvent({ tenantId: 'acme', type: 'token.refreshed', severity: 'info', time: T0 + i }),
  )
  for (const event of left) {
    insert.run(event.id, event.tenantId, event.time, event.type, event.severity, '{}')
  }
  // Chaining in the transaction, as SQLite does by default: the sweep still runs.
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }), {
    auditSweepIntervalMs: 20,
  })
  t.after(() => storage.close())
  const count = (table: string) =>
    (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
  await eventually(() => count('audit_queue') === 0)
  // More than one batch, in the order they were queued.
  const ids = raw.prepare('select id from audit_events order by seq').all() as { id: string }[]
  assert.deepEqual(
    ids.map((row) => row.id),
    left.map((event) => event.id),
  )
  assert.deepEqual(await verifyChain(storage.audit, 'acme'), { ok: true, checked: left.length })
})

test(
  'PostgreSQL: two storages appending to one tenant at once never fork its chain',
  { skip: PG_URL === undefined && 'TESSERA_TEST_PG_URL is not set' },
  async (t) => {
    const schema = await privateSchema(t, 'sealer')
    const open = async () => {
      const storage = await createSqlStorage(
        new Kysely<Schema>({ dialect: new PostgresDialect({ pool: schema.pool() }) }),
      )
      schema.closeFirst(() => storage.close())
      return storage
    }
    const a = await open()
    const b = await open()
    const each = 60
    await Promise.all(
      [a, b].flatMap((storage, s) =>
        Array.from({ length: each }, (_, i) =>
          storage.transaction((tx) =>
            tx.audit.append({
              tenantId: 'acme',
              type: 'token.refreshed',
              severity: 'info',
              userId: `s${s}-${i}`,
              time: T0 + i,
            }),
          ),
        ),
      ),
    )
    // Whichever storage reads, it sees both storages' events, chained once each.
    assert.deepEqual(await verifyChain(a.audit, 'acme'), { ok: true, checked: 2 * each })
    const chain = await b.audit.chain('acme', 0, 1000)
    assert.equal(new Set(chain.map((event) => event.userId)).size, 2 * each)
  },
)
