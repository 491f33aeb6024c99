// PostgreSQL for many instances: a pg connection pool handed in by the caller (the driver stays an
// optional dependency), bounded so an exhausted pool fails fast instead of queueing without end.
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import type { Database } from './schema.js'

/** A pg `Pool`, as far as Kysely and this file use it. */
export interface PgPool extends PostgresPool {
  on(event: 'error', listener: (err: Error) => void): unknown
  on(
    event: 'connect',
    listener: (client: { on(event: 'error', listener: (err: Error) => void): unknown }) => void,
  ): unknown
}

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  /** `new pg.Pool({ connectionString, max, connectionTimeoutMillis })`. */
  pool: PgPool
}

/**
 * Opens PostgreSQL for Kysely on a pg pool. A connection that the server drops (a restart, a
 * failover) emits `error`, on the pool when it was idle and on the connection itself when it was
 * lent out; with no listener, Node would end the process. That is expected, not fatal: the query
 * in flight fails with StoreUnavailableError, and the next one opens a new connection. Give the pool a `connectionTimeoutMillis`: it is how long
 * a query waits for a free connection before it fails with StoreUnavailableError.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * const db = openPostgres({ pool: new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 }) })
 * const storage = await createSqlStorage(db)
 * ```
 */
export function openPostgres(options: PostgresOptions): Kysely<Database> {
  options.pool.on('error', () => {})
  options.pool.on('connect', (client) => client.on('error', () => {}))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: options.pool }) })
}
