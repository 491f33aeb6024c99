// The audit benchmark's data: a SQLite file of 1,000,000 audit events, built once and cached in the
// temporary folder under a key that changes with the schema and with this generator, so a repeated
// run starts at once and a changed migration (a new index) rebuilds it.
//
// The spread: 10 tenants, one holding 90% of the events; 20,000 users in the big tenant, 200 of them
// "hot" (service accounts, busy admins) with 40% of its events; every event type, weighted toward
// refreshes and logins; times over 180 days, in seq order as appends would give them. Rows are
// inserted with better-sqlite3 prepared statements in large transactions, hashes chained properly.
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createSqlStorage } from '../src/adapters/sql/storage.js'
import { GENESIS_HASH, hashEvent } from '../src/audit/chain.js'
import type { AuditEventType, AuditSeverity, StoredAuditEvent } from '../src/audit/events.js'
import { openSqlite } from '../src/db/sqlite.js'

/** Bump when the generator changes, so cached files are rebuilt. */
const GENERATOR_VERSION = 'audit-1m-v1'

/** The shape of the generated data, for choosing realistic queries. */
export const SPREAD = {
  events: 1_000_000,
  tenants: 10,
  mainTenant: 'bench-main',
  users: 20_000,
  hotUsers: 200,
  days: 180,
  /** The newest event's time (fixed, so every build is the same). */
  end: Date.UTC(2026, 0, 1),
} as const

const DAY = 86_400_000
const START = SPREAD.end - SPREAD.days * DAY

// Types and how often each happens, per 1000 events.
const TYPES: Array<[AuditEventType, AuditSeverity, number]> = [
  ['token.refreshed', 'info', 520],
  ['token.issued', 'info', 150],
  ['login.succeeded', 'info', 120],
  ['login.failed', 'warning', 60],
  ['logout', 'info', 50],
  ['session.revoked', 'notice', 30],
  ['rate_limit.exceeded', 'warning', 20],
  ['token.revoked', 'notice', 15],
  ['account.locked', 'warning', 10],
  ['password.changed', 'notice', 10],
  ['refresh.reuse_detected', 'critical', 5],
  ['user.created', 'info', 5],
  ['api_key.created', 'notice', 5],
]
const WEIGHTED = TYPES.flatMap(([type, severity, weight]) =>
  Array.from({ length: weight }, () => [type, severity] as const),
)

/** The user id of user number `n` of a tenant. */
export function userId(n: number): string {
  return `user-${n.toString().padStart(5, '0')}`
}

/** The tenant id of tenant number `n` (0 is the big one). */
export function tenantId(n: number): string {
  return n === 0 ? SPREAD.mainTenant : `bench-${n}`
}

/** A small deterministic generator (mulberry32). */
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
 * The path of the benchmark database, building it first when no cached copy matches the current
 * migration and generator.
 */
export async function auditBenchDb(log: (line: string) => void): Promise<string> {
  // Keyed by every migration, so a schema change rebuilds the file rather than migrating a cache.
  const migrations = new URL('../src/migrations/', import.meta.url)
  const hash = createHash('sha256').update(GENERATOR_VERSION)
  for (const name of readdirSync(migrations)
    .filter((n) => n.endsWith('.js'))
    .sort()) {
    hash.update(readFileSync(new URL(name, migrations)))
  }
  const key = hash.digest('hex')
  const file = join(tmpdir(), `tessera-bench-${GENERATOR_VERSION}-${key.slice(0, 12)}.db`)
  if (existsSync(file)) {
    log(`using the cached database ${file}`)
    return file
  }
  const building = `${file}.${process.pid}.tmp`
  const started = performance.now()
  log(`building ${SPREAD.events.toLocaleString('en')} audit events in ${file} (once) ...`)
  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: building }))
  await storage.close()
  const db = new Database(building)
  try {
    // A throwaway build: no journal, no fsync, and a cache big enough for the indexes.
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.pragma('cache_size = -1000000')
    fill(db)
    db.pragma('journal_mode = DELETE')
  } finally {
    db.close()
  }
  renameSync(building, file)
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true })
  // Older builds (another schema or generator) are half a gigabyte each: remove them.
  for (const name of readdirSync(tmpdir())) {
    const stale = name.startsWith('tessera-bench-audit-') && !file.endsWith(name)
    if (stale && !name.includes('.tmp')) rmSync(join(tmpdir(), name), { force: true })
  }
  log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return file
}

function fill(db: Database.Database): void {
  const random = seeded(42)
  const insert = db.prepare(
    `insert into audit_events (id, tenant_id, seq, time, type, severity, actor, user_id,
       session_id, jti, ip, user_agent, details, prev_hash, hash)
     values (@id, @tenant_id, @seq, @time, @type, @severity, @actor, @user_id, @session_id, @jti,
       @ip, @user_agent, @details, @prev_hash, @hash)`,
  )
  const head = db.prepare(
    `insert into audit_heads (tenant_id, seq, hash, anchor_seq, anchor_hash) values (?, ?, ?, 0, ?)`,
  )
  const heads = Array.from({ length: SPREAD.tenants }, () => ({ seq: 0, hash: GENESIS_HASH }))
  const step = (SPREAD.days * DAY) / SPREAD.events
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const tenant = random() < 0.9 ? 0 : 1 + Math.floor(random() * (SPREAD.tenants - 1))
      const users = tenant === 0 ? SPREAD.users : 500
      const user =
        random() < 0.4 ? Math.floor(random() * SPREAD.hotUsers) : Math.floor(random() * users)
      const [type, severity] = WEIGHTED[Math.floor(random() * WEIGHTED.length)]!
      const chain = heads[tenant]!
      const unhashed: Omit<StoredAuditEvent, 'hash'> = {
        id: randomUUID(),
        tenantId: tenantId(tenant),
        seq: chain.seq + 1,
        // Monotonic with seq, whole seconds, so neighbours often share a time.
        time: START + Math.floor((i * step) / 1000) * 1000,
        type,
        severity,
        actor: random() < 0.05 ? 'system' : userId(user),
        userId: userId(user),
        sessionId: `sess-${user}-${Math.floor(random() * 4)}`,
        jti: type.startsWith('token.') ? randomUUID() : null,
        ip: `198.51.${user % 256}.${Math.floor(random() * 256)}`,
        userAgent: random() < 0.5 ? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' : 'okhttp/4.12',
        details: type === 'login.failed' ? { reason: 'bad-password' } : {},
        prevHash: chain.hash,
      }
      const hash = hashEvent(unhashed)
      insert.run({
        id: unhashed.id,
        tenant_id: unhashed.tenantId,
        seq: unhashed.seq,
        time: unhashed.time,
        type,
        severity,
        actor: unhashed.actor,
        user_id: unhashed.userId,
        session_id: unhashed.sessionId,
        jti: unhashed.jti,
        ip: unhashed.ip,
        user_agent: unhashed.userAgent,
        details: JSON.stringify(unhashed.details),
        prev_hash: unhashed.prevHash,
        hash,
      })
      chain.seq = unhashed.seq
      chain.hash = hash
    }
  })
  const BATCH = 50_000
  for (let from = 0; from < SPREAD.events; from += BATCH) {
    batch(from, Math.min(from + BATCH, SPREAD.events))
  }
  db.transaction(() => {
    heads.forEach((chain, n) => head.run(tenantId(n), chain.seq, chain.hash, GENESIS_HASH))
  })()
}
