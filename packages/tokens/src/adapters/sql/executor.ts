import type { Kysely, Transaction } from 'kysely'
import type { Database, Millis } from '../../db/schema.js'
import { ConflictError, StoreUnavailableError, TokenError } from '../../errors.js'

/** A connection or a transaction: SQL stores run on either. */
export type Executor = Kysely<Database> | Transaction<Database>

/** bigint columns: numbers from SQLite, strings from PostgreSQL. */
export function millis(value: Millis): number {
  return typeof value === 'number' ? value : Number(value)
}

/** Like millis, for nullable columns. */
export function maybeMillis(value: Millis | null): number | null {
  return value === null ? null : millis(value)
}

/**
 * Runs a store operation and types its failures: unique violations become ConflictError, anything
 * else from the driver StoreUnavailableError. Errors of our own pass through.
 */
export async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof TokenError) throw err
    const code = (err as { code?: unknown }).code
    if (
      code === '23505' ||
      code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    ) {
      throw new ConflictError(`${what}: already exists`, { cause: err })
    }
    throw new StoreUnavailableError(`${what}: the store failed`, { cause: err })
  }
}

/**
 * Runs several statements as one: in the caller's transaction when there is one, else in a new
 * transaction, so a store method that takes more than one statement is atomic either way.
 */
export function atomically<T>(db: Executor, run: (db: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run)
}
