import {
  PostgresAdapter,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type QueryResult,
  type Transaction,
} from 'kysely'
import { preparedOnPostgres } from '../../db/postgres.js'
import type { Database, Millis } from '../../db/schema.js'
import { sqliteRunner } from '../../db/sqlite.js'
import {
  ConflictError,
  InvalidInputError,
  StoreUnavailableError,
  TokenError,
} from '../../errors.js'

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
    // PostgreSQL refuses a NUL in text (22021) and a character its encoding lacks (22P05): the
    // input is bad, the store is fine.
    if (code === '22021' || code === '22P05') {
      throw new InvalidInputError(`${what}: the text holds a character that cannot be stored`, {
        cause: err,
      })
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

let preparedCount = 0

/** Where a prepared query's argument goes, while its SQL is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

/** A query built once and run many times: see {@link prepared}. */
export type PreparedQuery<A extends readonly unknown[], R> = (
  db: Executor,
  ...args: A
) => Promise<QueryResult<R>>

/**
 * A query whose SQL is built and compiled once per dialect; each run only binds new values. Kysely
 * otherwise builds and compiles every query anew, which on the hot paths (refresh rotation, audit
 * appends) costs more than SQLite takes to run them. On a PostgreSQL pool opened by `openPostgres`
 * it also runs as a named prepared statement, parsed and planned once per connection. Inside a transaction on a database that
 * `openSqlite` opened, the statement also skips Kysely's connection queue: the transaction holds
 * SQLite's one connection, and better-sqlite3 runs it synchronously. `build` receives placeholders
 * for `args`: it must only use them as values (never to choose the shape of the query), so that one
 * compiled SQL text serves every call.
 *
 * @param build - builds the query from the executor and the arguments' placeholders
 * @example
 * ```ts
 * const userById = prepared((db, tenantId: string, id: string) =>
 *   db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id))
 * const { rows } = await userById(db, tenantId, id)
 * ```
 */
export function prepared<A extends readonly unknown[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): PreparedQuery<A, R> {
  // Keyed by the dialect's adapter, which a Kysely instance shares with its transactions.
  const compiled = new WeakMap<object, CompiledQuery<R>>()
  return (db, ...args) => {
    const adapter = db.getExecutor().adapter
    let template = compiled.get(adapter)
    if (template === undefined) {
      const slots = args.map((_, index) => new Slot(index)) as unknown as A
      template = build(db, ...slots).compile()
      compiled.set(adapter, template)
      // Planned once per connection instead of on every run; `select *` is left unnamed, since a
      // prepared statement fails once a migration adds a column (name the columns instead).
      if (adapter instanceof PostgresAdapter && !/select \*/i.test(template.sql)) {
        preparedOnPostgres(`tessera_q${++preparedCount}`, template.sql)
      }
    }
    const parameters = template.parameters.map((value) =>
      value instanceof Slot ? args[value.index] : value,
    )
    const direct = db.isTransaction ? sqliteRunner(adapter) : undefined
    if (direct === undefined) return db.executeQuery<R>({ ...template, parameters })
    try {
      return Promise.resolve(direct(template.sql, parameters) as QueryResult<R>)
    } catch (err) {
      return Promise.reject(err as Error)
    }
  }
}
