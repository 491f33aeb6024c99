// Audit queries over 1,000,000 events on a SQLite file: the first page (limit 100) of the queries an
// admin console makes, timed through AuditLog.query (Kysely, the SQL store, row decoding), each
// shape run BENCH_QUERIES times (default 200) with random users and windows, after a warm-up.
//
//   npm run bench                                 (from the repository root: builds, then runs)
//   node packages/tokens/dist/bench/audit.bench.js
//
// Target (issue 4): by user and time range, first page median under 5 ms.
import Database from 'better-sqlite3'
import { createSqlStorage } from '../src/adapters/sql/storage.js'
import { AuditLog } from '../src/audit-log.js'
import type { AuditQuery } from '../src/audit/events.js'
import { openSqlite } from '../src/db/sqlite.js'
import { auditBenchDb, seeded, SPREAD, userId } from './audit-fixture.js'

const QUERIES = Number(process.env.BENCH_QUERIES ?? 200)
const TARGET_MS = 5
const DAY = 86_400_000
const random = seeded(7)
const tenantId = SPREAD.mainTenant

/** A random user: half of the time one of the hot ones. */
function someUser(): string {
  const hot = random() < 0.5
  return userId(Math.floor(random() * (hot ? SPREAD.hotUsers : SPREAD.users)))
}

/** A window of 1, 7 or 30 days somewhere in the data. */
function someWindow(): { from: number; to: number } {
  const days = [1, 7, 30][Math.floor(random() * 3)]!
  const to = SPREAD.end - Math.floor(random() * (SPREAD.days - days)) * DAY
  return { from: to - days * DAY, to }
}

const SHAPES: Array<{ name: string; make: () => AuditQuery; target?: boolean }> = [
  {
    name: 'user + time range',
    make: () => ({ tenantId, userId: someUser(), ...someWindow() }),
    target: true,
  },
  { name: 'user, all time', make: () => ({ tenantId, userId: someUser() }) },
  {
    name: 'user + types + time range',
    make: () => ({
      tenantId,
      userId: someUser(),
      type: ['login.succeeded', 'login.failed'],
      ...someWindow(),
    }),
  },
  { name: 'tenant + time range', make: () => ({ tenantId, ...someWindow() }) },
  {
    name: 'severity + time range',
    make: () => ({ tenantId, severity: ['warning', 'critical'], ...someWindow() }),
  },
  {
    name: 'session',
    make: () => ({ tenantId, sessionId: `sess-${random() < 0.5 ? 7 : 12345}-1` }),
  },
]

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

async function main(): Promise<void> {
  const file = await auditBenchDb((line) => console.log(line))
  const raw = new Database(file, { readonly: true })
  const plan = raw
    .prepare(
      `explain query plan select * from audit_events where tenant_id = ? and user_id = ?
       and time >= ? and time < ? order by time desc, seq desc limit 100`,
    )
    .all(tenantId, userId(1), SPREAD.end - 7 * DAY, SPREAD.end) as Array<{ detail: string }>
  const count = (raw.prepare('select count(*) as n from audit_events').get() as { n: number }).n
  raw.close()
  console.log(`plan (user + time range): ${plan.map((row) => row.detail).join('; ')}`)

  const storage = await createSqlStorage(openSqlite({ driver: Database, filename: file }))
  const audit = new AuditLog(storage)
  const rows: string[][] = []
  let targetMedian = Number.NaN
  for (const shape of SHAPES) {
    for (let i = 0; i < 20; i++) await audit.query(shape.make())
    const times: number[] = []
    let returned = 0
    for (let i = 0; i < QUERIES; i++) {
      const query = shape.make()
      const start = performance.now()
      const page = await audit.query(query)
      times.push(performance.now() - start)
      returned += page.events.length
    }
    times.sort((a, b) => a - b)
    const median = quantile(times, 0.5)
    if (shape.target) targetMedian = median
    rows.push([
      shape.name,
      (returned / QUERIES).toFixed(0),
      median.toFixed(2),
      quantile(times, 0.99).toFixed(2),
      times.at(-1)!.toFixed(2),
    ])
  }
  await storage.close()

  console.log(
    `\naudit queries, first page (limit 100), ${count.toLocaleString('en')} events, ` +
      `${QUERIES} queries each, SQLite (WAL) through AuditLog.query\n`,
  )
  printTable(['query', 'rows/page', 'median ms', 'p99 ms', 'max ms'], rows)
  const verdict = targetMedian < TARGET_MS ? 'met' : 'MISSED'
  console.log(
    `\ntarget: user + time range median < ${TARGET_MS} ms: ${targetMedian.toFixed(2)} ms, ${verdict}`,
  )
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`
  console.log(line(header))
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  )
  for (const row of rows) console.log(line(row))
}

await main()
