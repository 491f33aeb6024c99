// What the audit-log tests share: a SQLite file in the temporary folder with the real storage on it,
// a second raw better-sqlite3 connection to the same file for tampering, and a seeded spread of
// events (users, sessions, types, severities and times) to query.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { AuditLog } from '../../src/audit-log.js'
import { hashEvent } from '../../src/audit/chain.js'
import {
  AUDIT_EVENT_TYPES,
  AUDIT_SEVERITIES,
  type AuditEvent,
  type StoredAuditEvent,
} from '../../src/audit/events.js'
import type { ChainBreak } from '../../src/audit/verify.js'
import { openSqlite } from '../../src/db/sqlite.js'
import type { Storage } from '../../src/stores/interfaces.js'
import { chained } from '../stores/fixtures.js'

/** A fixed start time: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000

/** A storage on a fresh SQLite file, and a raw connection to the same file. */
export interface AuditDb {
  storage: Storage
  raw: Database.Database
}

/** Opens a fresh SQLite file for one test; everything is closed and removed when the test ends. */
export async function openAuditDb(t: TestContext): Promise<AuditDb> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-'))
  const file = join(dir, 'audit.db')
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
  const raw = new Database(file)
  t.after(async () => {
    raw.close()
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { storage, raw }
}

/** A small deterministic generator (mulberry32), so every run sees the same events. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` events of `tenantId`: 5 users, 8 sessions, every type and severity, 3 IPs, times over a
 * day with ties, some fields left out.
 */
export function spreadOfEvents(tenantId: string, count: number, seed = 7): AuditEvent[] {
  const random = seeded(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  return Array.from({ length: count }, () => {
    const user = pick(['u1', 'u2', 'u3', 'u4', 'u5', null])
    return {
      tenantId,
      type: pick(AUDIT_EVENT_TYPES),
      severity: pick(AUDIT_SEVERITIES),
      actor: pick([user, 'system', 'admin']),
      userId: user,
      sessionId: user === null ? null : pick(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']),
      jti: random() < 0.5 ? `j${Math.floor(random() * 20)}` : null,
      ip: pick(['192.0.2.1', '198.51.100.2', '203.0.113.3', null]),
      userAgent: random() < 0.5 ? 'Mozilla/5.0' : null,
      details: random() < 0.3 ? { reason: 'seeded', n: Math.floor(random() * 10) } : {},
      // Minutes over a day: many events share a time.
      time: T0 + Math.floor(random() * 1440) * 60_000,
    }
  })
}

/** A SQLite file with 30 events of `acme`, one second apart, and 5 of `other`. */
export async function chainOf30(
  t: TestContext,
): Promise<AuditDb & { audit: AuditLog; events: StoredAuditEvent[] }> {
  const db = await openAuditDb(t)
  const audit = new AuditLog(db.storage)
  const recorded = []
  for (const [i, event] of spreadOfEvents('acme', 30).entries()) {
    recorded.push(await audit.record({ ...event, time: T0 + i * 1000 }))
  }
  for (const event of spreadOfEvents('other', 5)) await audit.record(event)
  return { ...db, audit, events: await chained(db.storage.audit, recorded) }
}

/** Asserts that `acme`'s chain breaks at `brokenAtSeq` for `reason`, and `other`'s still holds. */
export async function assertBroken(
  { audit }: { audit: AuditLog },
  brokenAtSeq: number,
  reason: ChainBreak,
): Promise<void> {
  assert.deepEqual(await audit.verifyChain('acme'), { ok: false, brokenAtSeq, reason })
  assert.deepEqual(await audit.verifyChain('other'), { ok: true, checked: 5 })
}

/**
 * Writes an event row behind the storage's back, with its hash computed as ours would be: what
 * someone with write access to the file and our source could do.
 */
export function forgeRow(raw: Database.Database, event: Omit<StoredAuditEvent, 'hash'>): void {
  const { hash: _hash, ...fields } = { hash: '', ...event }
  raw
    .prepare(
      `insert into audit_events (id, tenant_id, seq, time, type, severity, actor, user_id,
         session_id, jti, ip, user_agent, details, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      fields.id,
      fields.tenantId,
      fields.seq,
      fields.time,
      fields.type,
      fields.severity,
      fields.actor,
      fields.userId,
      fields.sessionId,
      fields.jti,
      fields.ip,
      fields.userAgent,
      JSON.stringify(fields.details),
      fields.prevHash,
      hashEvent(fields),
    )
}
