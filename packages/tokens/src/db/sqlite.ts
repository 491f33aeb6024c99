// The embedded default: one SQLite file through better-sqlite3, in WAL mode.
import { Kysely, SqliteDialect, type QueryResult } from 'kysely'
import { InvalidInputError } from '../errors.js'
import type { Database } from './schema.js'

/** A better-sqlite3 Database constructor, handed in so the driver stays an optional dependency. */
export type SqliteConstructor = new (
  filename: string,
  options?: { timeout?: number },
) => {
  pragma(source: string): unknown
  prepare(sql: string): SqliteStatement
  close(): unknown
}

/** The part of a better-sqlite3 statement Kysely uses. */
interface SqliteStatement {
  readonly reader: boolean
  all(parameters: readonly unknown[]): unknown[]
  run(parameters: readonly unknown[]): {
    changes: number | bigint
    lastInsertRowid: number | bigint
  }
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>
}

// Kysely prepares every query anew; its SQL text repeats (values are parameters), so prepared
// statements are kept by text. Bounded, in case a caller builds SQL with literals.
const STATEMENT_CACHE_SIZE = 500

/** Options for {@link openSqlite}. */
export interface SqliteOptions {
  /** The better-sqlite3 module's default export (`import Database from 'better-sqlite3'`). */
  driver: SqliteConstructor
  /** The database file; `:memory:` for a private in-memory database. */
  filename: string
  /**
   * How many pages the write-ahead log may hold before a commit copies them into the database
   * (SQLite's `wal_autocheckpoint`). Default 10,000 (about 40 MB): each checkpoint costs two fsyncs
   * on the committing request, and SQLite's own default of 1,000 put one on every seventieth
   * refresh rotation. Durability does not depend on it: `createSqlStorage` also checkpoints every
   * few seconds (its `checkpointIntervalMs`).
   */
  checkpointPages?: number
}

const DEFAULT_CHECKPOINT_PAGES = 10_000

/**
 * Opens a SQLite file for Kysely: WAL (readers never block the writer), synchronous=NORMAL (a killed
 * process loses nothing committed; WAL makes each commit atomic), checkpoints every
 * `checkpointPages` pages, foreign keys on, and a busy timeout so a second process waits rather than
 * failing.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const db = openSqlite({ driver: Database, filename: './tessera.db' })
 * ```
 */
export function openSqlite(options: SqliteOptions): Kysely<Database> {
  const checkpointPages = options.checkpointPages ?? DEFAULT_CHECKPOINT_PAGES
  if (!Number.isSafeInteger(checkpointPages) || checkpointPages < 1) {
    throw new InvalidInputError('openSqlite: checkpointPages must be a positive integer')
  }
  const sqlite = new options.driver(options.filename, { timeout: 5000 })
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`wal_autocheckpoint = ${checkpointPages}`)
  // After a checkpoint the log is reused from its start; past this size it is also truncated.
  sqlite.pragma(`journal_size_limit = ${checkpointPages * 4096 * 2}`)
  const statements = new Map<string, SqliteStatement>()
  const database = {
    close: () => {
      statements.clear()
      sqlite.close()
    },
    prepare: (sql: string): SqliteStatement => {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = sqlite.prepare(sql)
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear()
        statements.set(sql, statement)
      }
      return statement
    },
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  // Keyed by the dialect's adapter, which the instance shares with its transactions.
  runners.set(db.getExecutor().adapter, (sql, parameters) => {
    const statement = database.prepare(sql)
    if (statement.reader) return { rows: statement.all(parameters) }
    return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) }
  })
  return db
}

/** Runs compiled SQL on the connection at once, as Kysely's SQLite driver would, without its queue. */
export type SqliteRunner = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>

const runners = new WeakMap<object, SqliteRunner>()

/**
 * The direct runner of a database opened by {@link openSqlite}, found by its Kysely adapter;
 * undefined for any other database. Only safe inside a transaction: SQLite has one connection, and
 * outside a transaction the statement would land in whichever transaction holds it at that moment.
 */
export function sqliteRunner(adapter: object): SqliteRunner | undefined {
  return runners.get(adapter)
}
