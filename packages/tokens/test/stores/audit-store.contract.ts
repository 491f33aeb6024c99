// The AuditStore contract, the chain: events chain per tenant by seq, the head follows, retention
// leaves an anchor, and concurrent appends never fork. Queries: audit-query.contract.ts. Every
// adapter passes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GENESIS_HASH, hashEvent } from '../../src/audit/chain.js'
import type { AuditEvent, StoredAuditEvent } from '../../src/audit/events.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { chained, T0, uid } from './fixtures.js'

const EMPTY_HEAD = { seq: 0, hash: GENESIS_HASH, anchorSeq: 0, anchorHash: GENESIS_HASH }

/** Appends events one after another and returns them as chained. */
async function appendAll(storage: Storage, events: AuditEvent[]): Promise<StoredAuditEvent[]> {
  const recorded = []
  for (const event of events) recorded.push(await storage.audit.append(event))
  return chained(storage.audit, recorded)
}

/** Appends one event and returns it as chained. */
async function appendOne(storage: Storage, event: AuditEvent): Promise<StoredAuditEvent> {
  return (await appendAll(storage, [event]))[0]!
}

function assertChained(events: StoredAuditEvent[], from = 1, prev = GENESIS_HASH): void {
  events.forEach((event, i) => {
    assert.equal(event.seq, from + i)
    assert.equal(event.prevHash, i === 0 ? prev : events[i - 1]!.hash)
    const { hash, ...unhashed } = event
    assert.equal(hash, hashEvent(unhashed))
  })
}

/** Registers the AuditStore contract tests against storages made by `make`. */
export function auditStoreContract(make: () => Promise<Storage>): void {
  test('audit: text a store cannot keep as given is recorded as stored, so the chain verifies', async () => {
    const storage = await make()
    const tenantId = uid('t')
    // A user agent cut at its limit inside a surrogate pair, a lone surrogate, and a NUL (which
    // PostgreSQL's text refuses).
    await appendAll(storage, [
      {
        tenantId,
        type: 'login.succeeded',
        severity: 'info',
        actor: 'ad\ud800a',
        ip: '192.0.2.1\u0000',
        userAgent: `${'A'.repeat(511)}\u{1F600} Mobile`,
        details: { note: 'x\udc00y' },
        time: T0,
      },
    ])
    const [stored] = await storage.audit.query({ tenantId })
    assert.ok(stored)
    assert.equal(stored.userAgent, 'A'.repeat(511))
    assert.equal(stored.actor, 'ad\ufffda')
    assert.equal(stored.ip, '192.0.2.1\ufffd')
    assertChained([stored])
  })

  test('audit: append chains events per tenant and moves the head', async () => {
    const storage = await make()
    const tenantId = uid('t')
    assert.deepEqual(await storage.audit.head(tenantId), EMPTY_HEAD)
    const first = await appendOne(storage, {
      tenantId,
      type: 'tenant.created',
      severity: 'notice',
      time: T0,
    })
    assert.deepEqual(first, {
      id: first.id,
      tenantId,
      seq: 1,
      time: T0,
      type: 'tenant.created',
      severity: 'notice',
      actor: null,
      userId: null,
      sessionId: null,
      jti: null,
      ip: null,
      userAgent: null,
      details: {},
      prevHash: GENESIS_HASH,
      hash: first.hash,
    })
    const full: AuditEvent = {
      tenantId,
      type: 'login.succeeded',
      severity: 'info',
      actor: 'u1',
      userId: 'u1',
      sessionId: 's1',
      jti: 'j1',
      ip: '192.0.2.4',
      userAgent: 'curl/8',
      details: { method: 'password', nested: { list: [1, 'two', null, true] }, z: 1, a: 2 },
      time: T0 + 1,
    }
    const second = await appendOne(storage, full)
    assertChained([first, second])
    const { time: _time, ...fields } = full
    assert.deepEqual(
      { ...second, id: '', hash: '', prevHash: '' },
      { ...fields, time: T0 + 1, id: '', seq: 2, hash: '', prevHash: '' },
    )
    assert.notEqual(second.id, first.id)
    assert.deepEqual(await storage.audit.head(tenantId), {
      ...EMPTY_HEAD,
      seq: 2,
      hash: second.hash,
    })
    assert.deepEqual(await storage.audit.chain(tenantId, 0, 10), [first, second])
  })

  test('audit: details are stored as JSON reads them back, and hashed as stored', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const details = { gone: undefined, when: new Date(T0), list: [undefined, 1] }
    const event = await storage.audit.append({
      tenantId,
      type: 'logout',
      severity: 'info',
      details,
    })
    const stored = { when: new Date(T0).toISOString(), list: [null, 1] }
    assert.deepEqual(event.details, stored)
    const [read] = await storage.audit.chain(tenantId, 0, 1)
    assert.deepEqual(await chained(storage.audit, [event]), [read])
    assertChained([read!])
  })

  test('audit: the store clock stamps events without a time', async () => {
    const storage = await make()
    const before = Date.now()
    const event = await storage.audit.append({
      tenantId: uid('t'),
      type: 'logout',
      severity: 'info',
    })
    assert.ok(event.time >= before && event.time <= Date.now())
  })

  test('audit: each tenant has its own chain; events of A are invisible in B', async () => {
    const storage = await make()
    const a = uid('a')
    const b = uid('b')
    const inA = await appendAll(storage, [
      { tenantId: a, type: 'user.created', severity: 'info', userId: 'u1', time: T0 },
      { tenantId: a, type: 'login.failed', severity: 'warning', userId: 'u1', time: T0 + 1 },
    ])
    const inB = await appendOne(storage, {
      tenantId: b,
      type: 'user.created',
      severity: 'info',
      userId: 'u1',
      time: T0,
    })
    assert.equal(inB.seq, 1)
    assert.equal(inB.prevHash, GENESIS_HASH)
    assert.deepEqual(await storage.audit.query({ tenantId: b }), [inB])
    assert.deepEqual(
      await storage.audit.query({ tenantId: b, userId: 'u1', type: 'login.failed' }),
      [],
    )
    assert.deepEqual(await storage.audit.chain(b, 0, 10), [inB])
    assert.deepEqual(await storage.audit.chain(a, 0, 10), inA)
    assert.equal(await storage.audit.prune(b, T0 + 10), 1)
    assert.deepEqual(await storage.audit.chain(a, 0, 10), inA)
    assert.deepEqual((await storage.audit.head(a)).anchorSeq, 0)
  })

  test('audit: chain reads in seq order, in pages after a seq', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const stored = await appendAll(
      storage,
      [T0 + 9, T0, T0 + 5, T0 + 1].map((time) => ({
        tenantId,
        type: 'logout',
        severity: 'info',
        time,
      })),
    )
    assert.deepEqual(await storage.audit.chain(tenantId, 0, 2), stored.slice(0, 2))
    assert.deepEqual(await storage.audit.chain(tenantId, 2, 2), stored.slice(2, 4))
    assert.deepEqual(await storage.audit.chain(tenantId, 4, 2), [])
  })

  test('audit: prune drops old events up to the last old one and anchors the chain there', async () => {
    const storage = await make()
    const tenantId = uid('t')
    const stored = await appendAll(
      storage,
      [T0, T0 + 10, T0 + 5, T0 + 20, T0 + 30].map((time) => ({
        tenantId,
        type: 'logout',
        severity: 'info',
        time,
      })),
    )
    assert.equal(await storage.audit.prune(tenantId, T0), 0)
    // seq 3 (T0 + 5) is the last event older than T0 + 10, so seq 1 to 3 go, seq 2 included.
    assert.equal(await storage.audit.prune(tenantId, T0 + 10), 3)
    assert.deepEqual(await storage.audit.head(tenantId), {
      seq: 5,
      hash: stored[4]!.hash,
      anchorSeq: 3,
      anchorHash: stored[2]!.hash,
    })
    assert.deepEqual(await storage.audit.chain(tenantId, 0, 10), stored.slice(3))
    assert.deepEqual(
      (await storage.audit.query({ tenantId })).map((x) => x.seq),
      [5, 4],
    )
    const next = await appendOne(storage, {
      tenantId,
      type: 'logout',
      severity: 'info',
      time: T0 + 40,
    })
    assertChained([...stored.slice(3), next], 4, stored[2]!.hash)
    assert.equal(await storage.audit.prune(tenantId, T0 + 1000), 3)
    assert.deepEqual(await storage.audit.chain(tenantId, 0, 10), [])
    assert.deepEqual(await storage.audit.head(tenantId), {
      seq: 6,
      hash: next.hash,
      anchorSeq: 6,
      anchorHash: next.hash,
    })
  })

  test('audit: concurrent appends never fork the chain, in transactions or not', async () => {
    const storage = await make()
    const tenantId = uid('t')
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        storage.audit.append({ tenantId, type: 'token.issued', severity: 'info', time: T0 + i }),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        storage.transaction((stores) =>
          stores.audit.append({
            tenantId,
            type: 'token.refreshed',
            severity: 'info',
            time: T0 + i,
          }),
        ),
      ),
    ])
    const chain = await storage.audit.chain(tenantId, 0, 100)
    assert.equal(chain.length, 40)
    assertChained(chain)
    assert.deepEqual(await storage.audit.head(tenantId), {
      ...EMPTY_HEAD,
      seq: 40,
      hash: chain[39]!.hash,
    })
  })
}
