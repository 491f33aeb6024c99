// The storages every contract runs against: memory, a SQLite file, and PostgreSQL when
// TESSERA_TEST_PG_URL names a server. Each `make()` gives a fresh, empty storage; `cleanup()`
// closes what was made and removes files and schemas.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, type TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import { createMemoryStorage } from '../../src/adapters/memory/storage.js'
import type { AuditChaining } from '../../src/adapters/sql/audit-store.js'
import { createSqlStorage } from '../../src/adapters/sql/storage.js'
import { migrate } from '../../src/db/migrate.js'
import { openPostgres } from '../../src/db/postgres.js'
import { openSqlite } from '../../src/db/sqlite.js'
import type { Storage } from '../../src/stores/interfaces.js'

/** A storage backend under test. */
export interface TestAdapter {
  name: string
  /** Why the adapter cannot run here, if it cannot. */
  skip?: string
  /** Called once before the first `make`. */
  setup(): Promise<void>
  /** A fresh, empty storage. */
  make(): Promise<Storage>
  /** Closes every storage made since the last cleanup. */
  closeMade(): Promise<void>
  /** Called once after the last test. */
  teardown(): Promise<void>
}

function tracking(open: () => Promise<Storage>) {
  const made: Storage[] = []
  return {
    async make() {
      const storage = await open()
      made.push(storage)
      return storage
    },
    async closeMade() {
      await Promise.all(made.splice(0).map((storage) => storage.close()))
    },
  }
}

/** The memory adapter. */
export function memoryAdapter(): TestAdapter {
  return {
    name: 'memory',
    setup: async () => {},
    teardown: async () => {},
    ...tracking(async () => createMemoryStorage()),
  }
}

/**
 * The SQL adapter on SQLite: one new file per storage, in a temporary folder. With `chaining`, audit
 * events are chained that way instead of SQLite's default (in the transaction).
 */
export function sqliteAdapter(chaining?: AuditChaining): TestAdapter {
  let dir = ''
  let files = 0
  return {
    name: chaining === undefined ? 'sqlite' : `sqlite, audit chained ${chaining}`,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'tessera-contracts-'))
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true })
    },
    ...tracking(() =>
      createSqlStorage(openSqlite({ driver: Database, filename: join(dir, `${files++}.db`) }), {
        auditChaining: chaining,
      }),
    ),
  }
}

/**
 * The SQL adapter on PostgreSQL: one schema for the run (`tessera_test_<random>`, dropped after),
 * every table emptied before each storage.
 */
export function postgresAdapter(url = process.env.TESSERA_TEST_PG_URL): TestAdapter {
  const schema = `tessera_test_${randomBytes(6).toString('hex')}`
  const connect = () =>
    openPostgres({
      pool: new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 10 }),
    })
  const admin = () => new pg.Client({ connectionString: url })
  let tables: string[] = []
  return {
    name: 'postgresql',
    ...(url ? {} : { skip: 'TESSERA_TEST_PG_URL is not set' }),
    async setup() {
      const client = admin()
      await client.connect()
      await client.query(`create schema ${schema}`)
      await client.end()
      const db = connect()
      await migrate(db)
      const rows = await sql<{ name: string }>`
        select table_name as name from information_schema.tables
        where table_schema = ${schema} and table_name not like 'kysely_%'`.execute(db)
      tables = rows.rows.map((row) => row.name)
      await db.destroy()
    },
    async teardown() {
      const client = admin()
      await client.connect()
      await client.query(`drop schema if exists ${schema} cascade`)
      await client.end()
    },
    ...tracking(async () => {
      const db = connect()
      await sql`truncate ${sql.join(tables.map((t) => sql.id(t)))} cascade`.execute(db)
      return createSqlStorage(db)
    }),
  }
}

/**
 * The PostgreSQL adapter for a test file of its own: set up before the file's first test, and
 * closed and torn down after its last. `skip` says why it cannot run here, or is false.
 */
export function postgresForFile(): { adapter: TestAdapter; skip: string | false } {
  const adapter = postgresAdapter()
  const skip = adapter.skip ?? false
  before(() => (skip ? undefined : adapter.setup()))
  after(async () => {
    if (skip) return
    await adapter.closeMade()
    await adapter.teardown()
  })
  return { adapter, skip }
}

/** A PostgreSQL schema that belongs to one test. */
export interface PrivateSchema {
  /** The schema's name. */
  name: string
  /** A new pool whose connections work in the schema. */
  pool(max?: number): pg.Pool
  /** Runs `close` when the test ends, before the schema is dropped. */
  closeFirst(close: () => unknown): void
}

/**
 * A schema of the test's own on the test server (`tessera_<prefix>_<random>`), dropped when the test
 * ends. What was opened on it is closed first: an open storage's background seal takes the locks that
 * `drop schema ... cascade` needs, in another order, and the two deadlock.
 */
export async function privateSchema(
  t: TestContext,
  prefix: string,
  url = process.env.TESSERA_TEST_PG_URL,
): Promise<PrivateSchema> {
  const name = `tessera_${prefix}_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${name}`)
  const closers: (() => unknown)[] = []
  t.after(async () => {
    try {
      await Promise.all(closers.map((close) => close()))
    } finally {
      await admin.query(`drop schema if exists ${name} cascade`)
      await admin.end()
    }
  })
  return {
    name,
    pool: (max?: number) =>
      new pg.Pool({ connectionString: url, options: `-c search_path=${name}`, max }),
    closeFirst: (close) => void closers.push(close),
  }
}
