// The audit log service on a real SQLite file: every filter and time range, cursor pages without
// duplicates or gaps, NDJSON export, retention, and tampering with the rows found by verifyChain.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuditLog } from '../src/audit-log.js'
import { hashEvent } from '../src/audit/chain.js'
import type { AuditQuery, StoredAuditEvent } from '../src/audit/events.js'
import { chained } from './stores/fixtures.js'
import {
  assertBroken,
  chainOf30,
  forgeRow,
  openAuditDb,
  spreadOfEvents,
  T0,
} from './audit/fixture.js'

const HOUR = 3_600_000

/** Every page of a query, checking that no event comes twice. */
async function queryAll(audit: AuditLog, query: AuditQuery): Promise<StoredAuditEvent[]> {
  const events: StoredAuditEvent[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await audit.query({ ...query, cursor })
    events.push(...page.events)
    if (page.nextCursor === null) break
    cursor = page.nextCursor
  }
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'no duplicates')
  return events
}

function newestFirst(events: StoredAuditEvent[]): StoredAuditEvent[] {
  return [...events].sort((a, b) => b.time - a.time || b.seq - a.seq)
}

test('query: every filter and time range, across pages, equals filtering every event', async (t) => {
  const { storage } = await openAuditDb(t)
  const audit = new AuditLog(storage)
  const events = []
  for (const event of spreadOfEvents('acme', 600)) events.push(await audit.record(event))
  for (const event of spreadOfEvents('other', 60, 99)) await audit.record(event)
  const recorded = await chained(storage.audit, events)

  // Bounds that events sit on, to see `from` included and `to` excluded.
  const times = [...new Set(recorded.map((e) => e.time))].sort((a, b) => a - b)
  const from = times[Math.floor(times.length / 4)]!
  const to = times[Math.floor(times.length / 2)]!
  const cases: Array<[Omit<AuditQuery, 'tenantId'>, (e: StoredAuditEvent) => boolean]> = [
    [{}, () => true],
    [{ userId: 'u1' }, (e) => e.userId === 'u1'],
    [{ actor: 'system' }, (e) => e.actor === 'system'],
    [{ sessionId: 's3' }, (e) => e.sessionId === 's3'],
    [{ jti: 'j4' }, (e) => e.jti === 'j4'],
    [{ ip: '203.0.113.3' }, (e) => e.ip === '203.0.113.3'],
    [{ type: 'login.failed' }, (e) => e.type === 'login.failed'],
    [
      { type: ['login.failed', 'account.locked', 'logout'] },
      (e) => ['login.failed', 'account.locked', 'logout'].includes(e.type),
    ],
    [{ severity: 'critical' }, (e) => e.severity === 'critical'],
    [{ severity: ['warning', 'critical'] }, (e) => ['warning', 'critical'].includes(e.severity)],
    [{ from }, (e) => e.time >= from],
    [{ to }, (e) => e.time < to],
    [{ from, to }, (e) => e.time >= from && e.time < to],
    [{ userId: 'u2', from, to }, (e) => e.userId === 'u2' && e.time >= from && e.time < to],
    [
      { userId: 'u3', sessionId: 's1', severity: ['info', 'notice'], from },
      (e) =>
        e.userId === 'u3' &&
        e.sessionId === 's1' &&
        ['info', 'notice'].includes(e.severity) &&
        e.time >= from,
    ],
  ]
  for (const [filters, matches] of cases) {
    const expected = newestFirst(recorded.filter(matches))
    for (const limit of [7, 100]) {
      const got = await queryAll(audit, { tenantId: 'acme', ...filters, limit })
      assert.deepEqual(got, expected, `${JSON.stringify(filters)} limit ${limit}`)
    }
  }
  assert.equal((await audit.query({ tenantId: 'acme' })).events.length, 100, 'limit 100 by default')
  assert.deepEqual((await audit.query({ tenantId: 'nobody' })).events, [])
})

test('query: a full page has a cursor, the last page none', async (t) => {
  const { storage } = await openAuditDb(t)
  const audit = new AuditLog(storage)
  for (const event of spreadOfEvents('acme', 10)) await audit.record(event)
  const first = await audit.query({ tenantId: 'acme', limit: 4 })
  assert.equal(first.events.length, 4)
  assert.notEqual(first.nextCursor, null)
  const second = await audit.query({ tenantId: 'acme', limit: 4, cursor: first.nextCursor! })
  const third = await audit.query({ tenantId: 'acme', limit: 4, cursor: second.nextCursor! })
  assert.equal(third.events.length, 2)
  assert.equal(third.nextCursor, null)
})

test('query: bad filters are ERR_INVALID_INPUT', async (t) => {
  const { storage } = await openAuditDb(t)
  const audit = new AuditLog(storage)
  const bad: unknown[] = [
    { tenantId: '' },
    { tenantId: 'acme', type: [] },
    { tenantId: 'acme', type: 'login.maybe' },
    { tenantId: 'acme', severity: ['info', 'loud'] },
    { tenantId: 'acme', from: 1.5 },
    { tenantId: 'acme', to: 'yesterday' },
    { tenantId: 'acme', userId: 7 },
    { tenantId: 'acme', cursor: '!!' },
    { tenantId: 'acme', limit: 0 },
    { tenantId: 'acme', limit: 1001 },
  ]
  for (const query of bad) {
    await assert.rejects(audit.query(query as AuditQuery), { code: 'ERR_INVALID_INPUT' })
  }
})

test('export: NDJSON, one event per line, every page, newest first', async (t) => {
  const { storage } = await openAuditDb(t)
  const audit = new AuditLog(storage)
  const events = await storage.transaction(async (stores) => {
    const events = []
    for (const event of spreadOfEvents('acme', 2100)) events.push(await audit.record(event, stores))
    return events
  })
  const recorded = await chained(storage.audit, events)
  let text = ''
  for await (const line of audit.export({ tenantId: 'acme' })) {
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'))
    text += line
  }
  const lines = text.trimEnd().split('\n')
  assert.equal(lines.length, 2100)
  assert.deepEqual(
    lines.map((line) => JSON.parse(line) as StoredAuditEvent),
    newestFirst(recorded),
  )
  const filtered: string[] = []
  for await (const line of audit.export({ tenantId: 'acme', userId: 'u1', type: 'logout' })) {
    filtered.push(line)
  }
  const expected = newestFirst(recorded.filter((e) => e.userId === 'u1' && e.type === 'logout'))
  assert.deepEqual(
    filtered,
    expected.map((e) => `${JSON.stringify(e)}\n`),
  )
  await assert.rejects(audit.export({ tenantId: 'acme', type: [] }).next(), {
    code: 'ERR_INVALID_INPUT',
  })
})

test('record: in a transaction that rolls back, nothing is written', async (t) => {
  const { storage } = await openAuditDb(t)
  const audit = new AuditLog(storage, { clock: () => T0 + 42 })
  await assert.rejects(
    storage.transaction(async (stores) => {
      await audit.record({ tenantId: 'acme', type: 'user.deleted', severity: 'notice' }, stores)
      throw new Error('the change failed')
    }),
  )
  assert.deepEqual((await audit.query({ tenantId: 'acme' })).events, [])
  const kept = await audit.record({ tenantId: 'acme', type: 'user.deleted', severity: 'notice' })
  assert.equal(kept.time, T0 + 42)
  assert.equal((await chained(storage.audit, [kept]))[0]!.seq, 1)
  assert.deepEqual(await audit.verifyChain('acme'), { ok: true, checked: 1 })
})

test('verifyChain: an untouched chain verifies, also after retention', async (t) => {
  const db = await chainOf30(t)
  assert.deepEqual(await db.audit.verifyChain('acme'), { ok: true, checked: 30 })
  assert.deepEqual(await db.audit.verifyChain('nobody'), { ok: true, checked: 0 })
  assert.equal(await db.audit.prune('acme', T0 + 10_000), 10)
  assert.deepEqual(await db.audit.verifyChain('acme'), { ok: true, checked: 20 })
  await db.audit.record({ tenantId: 'acme', type: 'logout', severity: 'info' })
  assert.deepEqual(await db.audit.verifyChain('acme'), { ok: true, checked: 21 })
  assert.equal(await db.audit.prune('acme', Date.now() + HOUR), 21)
  assert.deepEqual(await db.audit.verifyChain('acme'), { ok: true, checked: 0 })
})

test('verifyChain: an edited row is found at its seq', async (t) => {
  const db = await chainOf30(t)
  db.raw
    .prepare(`update audit_events set type = 'logout' where tenant_id = 'acme' and seq = 12`)
    .run()
  await assertBroken(db, 12, 'hash-mismatch')
})

test('verifyChain: edited details, time or user are found at their seq', async (t) => {
  for (const [column, value, seq] of [
    ['details', '{"reason":"nothing to see"}', 5],
    ['time', T0 + 999, 20],
    ['user_id', 'someone-else', 29],
  ] as const) {
    const db = await chainOf30(t)
    db.raw
      .prepare(`update audit_events set ${column} = ? where tenant_id = 'acme' and seq = ?`)
      .run(value, seq)
    await assertBroken(db, seq, 'hash-mismatch')
  }
})

test('verifyChain: an edited row with a recomputed hash breaks the next link', async (t) => {
  const db = await chainOf30(t)
  const { hash: _hash, ...forged } = { ...db.events[11]!, type: 'logout' as const }
  db.raw
    .prepare(
      `update audit_events set type = 'logout', hash = ? where tenant_id = 'acme' and seq = 12`,
    )
    .run(hashEvent(forged))
  await assertBroken(db, 13, 'prev-hash-mismatch')
})

test('verifyChain: a deleted first, middle or last row is found at its seq', async (t) => {
  for (const seq of [1, 15, 30]) {
    const db = await chainOf30(t)
    db.raw.prepare(`delete from audit_events where tenant_id = 'acme' and seq = ?`).run(seq)
    await assertBroken(db, seq, 'missing')
  }
})

test('verifyChain: a deleted row after retention is found, the anchor respected', async (t) => {
  const db = await chainOf30(t)
  await db.audit.prune('acme', T0 + 10_000)
  db.raw.prepare(`delete from audit_events where tenant_id = 'acme' and seq = 11`).run()
  await assertBroken(db, 11, 'missing')
})

test('verifyChain: inserted rows are found: past the head, below the anchor, between seqs', async (t) => {
  const past = await chainOf30(t)
  forgeRow(past.raw, { ...past.events[29]!, id: 'f1', seq: 31, prevHash: past.events[29]!.hash })
  await assertBroken(past, 31, 'unexpected')

  const below = await chainOf30(t)
  forgeRow(below.raw, { ...below.events[0]!, id: 'f2', seq: 0 })
  await assertBroken(below, 0, 'unexpected')

  const between = await chainOf30(t)
  forgeRow(between.raw, { ...between.events[13]!, id: 'f3', seq: 14.5 })
  await assertBroken(between, 14.5, 'unexpected')
})

test('verifyChain: a row replaced by a well-hashed forgery breaks the next link', async (t) => {
  const db = await chainOf30(t)
  db.raw.prepare(`delete from audit_events where tenant_id = 'acme' and seq = 8`).run()
  forgeRow(db.raw, { ...db.events[7]!, id: 'forged', severity: 'info', details: { forged: 1 } })
  await assertBroken(db, 9, 'prev-hash-mismatch')
})

test('verifyChain: a rewritten head is found', async (t) => {
  const db = await chainOf30(t)
  db.raw.prepare(`update audit_heads set hash = ? where tenant_id = 'acme'`).run('b'.repeat(64))
  await assertBroken(db, 30, 'head-mismatch')
})
