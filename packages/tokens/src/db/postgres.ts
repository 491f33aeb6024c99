// PostgreSQL for many instances: a pg connection pool handed in by the caller (the driver stays an
// optional dependency), bounded so an exhausted pool fails fast instead of queueing without end.
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import type { Database } from './schema.js'

/** A pg `Pool`, as far as Kysely and this file use it. */
export interface PgPool extends PostgresPool {
  on(event: 'error', listener: (err: Error) => void): unknown
}

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  /** `new pg.Pool({ connectionString, max, connectionTimeoutMillis })`. */
  pool: PgPool
}

/**
 * Opens PostgreSQL for Kysely on a pg pool. An idle connection that the server drops (a restart,
 * a failover) makes the pool emit `error`; that is expected, not fatal, so it is absorbed here and
 * the next query opens a new connection. Give the pool a `connectionTimeoutMillis`: it is how long
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
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: options.pool }) })
}
