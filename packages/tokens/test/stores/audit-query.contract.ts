// The AuditStore contract, queries: every filter, newest first (time desc, seq desc), cursor pages
// through ties, and refused cursors and limits. Every adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeCursor } from '../../src/audit/cursor.js'
import type { AuditEvent, StoredAuditEvent } from '../../src/audit/events.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { chained, rejectsWith, T0, uid } from './fixtures.js'

/** Appends events one after another and returns them as chained. */
async function appendAll(storage: Storage, events: AuditEvent[]): Promise<StoredAuditEvent[]> {
  const recorded = []
  for (const event of events) recorded.push(await storage.audit.append(event))
  return chained(storage.audit, recorded)
}

/** Registers the AuditStore query contract tests against storages made by `make`. */
export function auditQueryContract(make: () => Promise<Storage>): void {
  test('audit: query filters by every field and a time range, newest first', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const e = await appendAll(storage, [
      {
        tenantId,
        type: 'login.succeeded',
        severity: 'info',
        actor: 'u1',
        userId: 'u1',
        sessionId: 's1',
        jti: 'j1',
        ip: '192.0.2.1',
        time: T0,
      },
      {
        tenantId,
        type: 'login.failed',
        severity: 'warning',
        actor: 'u2',
        userId: 'u2',
        ip: '192.0.2.2',
        time: T0 + 10,
      },
      {
        tenantId,
        type: 'token.refreshed',
        severity: 'info',
        actor: 'u1',
        userId: 'u1',
        sessionId: 's1',
        jti: 'j2',
        ip: '192.0.2.3',
        time: T0 + 20,
      },
      {
        tenantId,
        type: 'refresh.reuse_detected',
        severity: 'critical',
        actor: 'system',
        userId: 'u1',
        sessionId: 's1',
        time: T0 + 30,
      },
      {
        tenantId,
        type: 'user.disabled',
        severity: 'notice',
        actor: 'admin',
        userId: 'u2',
        time: T0 + 40,
      },
    ])
    const q = (query: Omit<Parameters<Storage['audit']['query']>[0], 'tenantId'>) =>
      storage.audit.query({ tenantId, ...query }).then((events) => events.map((x) => x.seq))
    assert.deepEqual(await q({}), [5, 4, 3, 2, 1])
    assert.deepEqual(await q({ userId: 'u1' }), [4, 3, 1])
    assert.deepEqual(await q({ actor: 'u1' }), [3, 1])
    assert.deepEqual(await q({ sessionId: 's1' }), [4, 3, 1])
    assert.deepEqual(await q({ jti: 'j2' }), [3])
    assert.deepEqual(await q({ ip: '192.0.2.2' }), [2])
    assert.deepEqual(await q({ type: 'login.failed' }), [2])
    assert.deepEqual(await q({ type: ['login.failed', 'login.succeeded'] }), [2, 1])
    assert.deepEqual(await q({ severity: 'critical' }), [4])
    assert.deepEqual(await q({ severity: ['warning', 'notice'] }), [5, 2])
    assert.deepEqual(await q({ from: T0 + 10 }), [5, 4, 3, 2])
    assert.deepEqual(await q({ to: T0 + 10 }), [1])
    assert.deepEqual(await q({ from: T0 + 10, to: T0 + 30 }), [3, 2])
    assert.deepEqual(await q({ userId: 'u1', from: T0 + 1, to: T0 + 31, severity: 'info' }), [3])
    assert.deepEqual(await q({ userId: 'nobody' }), [])
    assert.deepEqual(await storage.audit.query({ tenantId, jti: 'j1' }), [e[0]])
  })

  test('audit: pages follow (time desc, seq desc) through cursors, ties included', async () => {
    const storage = await make()
    const tenantId = uid('t')
    // Times out of seq order, with ties: the order is by time, then by seq.
    const times = [T0 + 5, T0 + 1, T0 + 5, T0 + 3, T0 + 5, T0 + 1, T0 + 9]
    const stored = await appendAll(
      storage,
      times.map((time) => ({ tenantId, type: 'token.issued', severity: 'info', time })),
    )
    const expected = [...stored].sort((x, y) => y.time - x.time || y.seq - x.seq).map((x) => x.seq)
    assert.deepEqual(expected, [7, 5, 3, 1, 4, 6, 2])
    const seen: number[] = []
    let cursor: string | undefined
    for (;;) {
      const page = await storage.audit.query({ tenantId, limit: 2, cursor })
      seen.push(...page.map((x) => x.seq))
      if (page.length < 2) break
      cursor = encodeCursor(page.at(-1)!)
    }
    assert.deepEqual(seen, expected)
    assert.equal((await storage.audit.query({ tenantId })).length, 7)
    assert.deepEqual(
      (await storage.audit.query({ tenantId, limit: 3 })).map((x) => x.seq),
      [7, 5, 3],
    )
  })

  test('audit: a malformed cursor or limit is ERR_INVALID_INPUT', async () => {
    const storage = await make()
    const tenantId = uid('t')
    await rejectsWith(
      storage.audit.query({ tenantId, cursor: 'not a cursor' }),
      'ERR_INVALID_INPUT',
    )
    await rejectsWith(storage.audit.query({ tenantId, limit: 0 }), 'ERR_INVALID_INPUT')
    await rejectsWith(storage.audit.query({ tenantId, limit: 1001 }), 'ERR_INVALID_INPUT')
  })
}
