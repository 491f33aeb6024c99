// Migrations keep what is stored: a database at an earlier schema, with audit events in it, is
// brought up to date with every event and the chain intact, on SQLite and on PostgreSQL.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely'
import { auditEventRow } from '../../src/adapters/sql/audit-store.js'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { chainEvent, GENESIS_HASH, recordEvent } from '../../src/audit/chain.js'
import { verifyChain } from '../../src/audit/verify.js'
import { migrate } from '../../src/db/migrate.js'
import type { Database as Schema } from '../../src/db/schema.js'
import { openSqlite } from '../../src/db/sqlite.js'
import { initial } from '../../src/migrations/0001-initial.js'
import { auditEventsBySeq } from '../../src/migrations/0002-audit-events-by-seq.js'
import { privateSchema } from '../stores/adapters.js'
import { T0 } from '../support.js'

const PG_URL = process.env.TESSERA_TEST_PG_URL

/**
 * Brings `db` to the first schema only, and writes a tenant with `count` chained audit events. On
 * PostgreSQL, `schema` names where the migration history goes: Kysely otherwise takes another
 * schema's history in the same database (another test's) for this one's.
 */
async function atFirstSchemaWithEvents(
  db: Kysely<Schema>,
  count: number,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ '0001-initial': initial }) },
    migrationTableSchema: schema,
  })
  const { error } = await migrator.migrateToLatest()
  if (error !== undefined) throw error
  await db
    .insertInto('tenants')
    .values({ id: 't1', name: 't1', config: '{}', created_at: T0, updated_at: T0 })
    .execute()
  // Chained as the stores of that schema did: each event in audit_events, the head beside them.
  let prevHash = GENESIS_HASH
  for (let i = 0; i < count; i++) {
    const event = chainEvent(
      recordEvent({
        tenantId: 't1',
        type: 'login.succeeded',
        severity: 'info',
        userId: `u${i % 3}`,
        sessionId: `s${i % 5}`,
        ip: '192.0.2.1',
        time: T0 + i,
      }),
      i + 1,
      prevHash,
    )
    prevHash = event.hash
    await db.insertInto('audit_events').values(auditEventRow(event)).execute()
  }
  await db
    .insertInto('audit_heads')
    .values({
      tenant_id: 't1',
      seq: count,
      hash: prevHash,
      anchor_seq: 0,
      anchor_hash: GENESIS_HASH,
    })
    .execute()
}

async function checkUpgraded(db: Kysely<Schema>, count: number): Promise<void> {
  const before = await db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
  assert.equal(before.length, count)
  await migrate(db)
  const after = await db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
  assert.deepEqual(after, before, 'every event is kept, column for column')
  const storage = await createSqlStorage(db)
  assert.deepEqual(await verifyChain(storage.audit, 't1'), { ok: true, checked: count })
  // Appends carry on the chain, and the queries still find events by user and by session.
  await storage.audit.append({
    tenantId: 't1',
    type: 'logout',
    severity: 'info',
    userId: 'u1',
    time: T0 + count,
  })
  assert.deepEqual(await verifyChain(storage.audit, 't1'), { ok: true, checked: count + 1 })
  const byUser = await storage.audit.query({ tenantId: 't1', userId: 'u1', limit: 1000 })
  assert.equal(byUser.length, after.filter((row) => row.user_id === 'u1').length + 1)
  assert.equal(byUser[0]!.type, 'logout')
  const bySession = await storage.audit.query({ tenantId: 't1', sessionId: 's2', limit: 1000 })
  assert.equal(bySession.length, after.filter((row) => row.session_id === 's2').length)
  // A duplicate position in the chain is still refused by the store.
  await assert.rejects(
    sql`insert into audit_events select * from audit_events where seq = 1`.execute(db),
  )
  await storage.close()
}

function sqliteFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-migrations-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'tessera.db')
}

test('SQLite: 0002 rebuilds audit_events keyed by (tenant_id, seq) and keeps every event', async (t) => {
  const file = sqliteFile(t)
  const db = openSqlite({ driver: Database, filename: file })
  await atFirstSchemaWithEvents(db, 40)
  await checkUpgraded(db, 40)
  const raw = new Database(file)
  t.after(() => raw.close())
  const table = raw.prepare("select sql from sqlite_master where name = 'audit_events'").get() as {
    sql: string
  }
  assert.match(table.sql, /without rowid/i)
  const indexes = raw.prepare("select name from pragma_index_list('audit_events')").all()
  assert.equal(indexes.length, 4, 'three query indexes and the key')
})

test('SQLite: a rebuild that was done but not recorded is not done twice', async (t) => {
  const file = sqliteFile(t)
  const db = openSqlite({ driver: Database, filename: file })
  await atFirstSchemaWithEvents(db, 5)
  const upTo0002 = new Migrator({
    db,
    provider: {
      getMigrations: async () => ({
        '0001-initial': initial,
        '0002-audit-events-by-seq': auditEventsBySeq,
      }),
    },
  })
  assert.equal((await upTo0002.migrateToLatest()).error, undefined)
  // As if the process had stopped between the rebuild and recording it.
  await sql`delete from kysely_migration where name = '0002-audit-events-by-seq'`.execute(db)
  await migrate(db)
  assert.equal((await db.selectFrom('audit_events').select('seq').execute()).length, 5)
  await db.destroy()
})

test(
  'PostgreSQL: 0002 drops the id key and keeps every event',
  { skip: PG_URL === undefined && 'TESSERA_TEST_PG_URL is not set' },
  async (t) => {
    const schema = await privateSchema(t, 'migration')
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: schema.pool(2) }) })
    schema.closeFirst(() => db.destroy())
    await atFirstSchemaWithEvents(db, 40, schema.name)
    await checkUpgraded(db, 40)
    // checkUpgraded closed `db` with its storage; the constraints are read on a pool of their own.
    const pool = schema.pool(1)
    schema.closeFirst(() => pool.end())
    const { rows } = await pool.query<{ conname: string }>(
      `select conname from pg_constraint c join pg_class r on r.oid = c.conrelid
       join pg_namespace n on n.oid = r.relnamespace where n.nspname = $1 and r.relname = 'audit_events'`,
      [schema.name],
    )
    assert.deepEqual(
      rows.map((row) => row.conname),
      ['audit_events_tenant_seq'],
    )
  },
)
