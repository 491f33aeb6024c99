// The embedded default: one SQLite file through better-sqlite3, in WAL mode.
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './schema.js'

/** A better-sqlite3 Database constructor, handed in so the driver stays an optional dependency. */
export type SqliteConstructor = new (
  filename: string,
  options?: { timeout?: number },
) => {
  pragma(source: string): unknown
  close(): unknown
}

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
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite as never }),
  })
}
