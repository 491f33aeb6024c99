// The embedded default: one SQLite file through better-sqlite3, in WAL mode.
import { Kysely, SqliteDialect } from 'kysely'
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
}

/**
 * Opens a SQLite file for Kysely: WAL (readers never block the writer), synchronous=NORMAL (a killed
 * process loses nothing committed; WAL makes each commit atomic), foreign keys on, and a busy
 * timeout so a second process waits rather than failing.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const db = openSqlite({ driver: Database, filename: './tessera.db' })
 * ```
 */
export function openSqlite(options: SqliteOptions): Kysely<Database> {
  const sqlite = new options.driver(options.filename, { timeout: 5000 })
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
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
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
}
