// PostgreSQL for many instances: a pg connection pool handed in by the caller (the driver stays an
// optional dependency), bounded so an exhausted pool fails fast instead of queueing without end.
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely'
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
  /**
   * Run the hot statements as named prepared statements, planned once per connection (default
   * true). Turn it off behind a pooler that hands a session's statements to other server
   * connections, such as PgBouncer before 1.21 in transaction mode.
   */
  prepare?: boolean
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
  const pool = options.prepare === false ? options.pool : preparing(options.pool)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

// Statements run as named prepared statements, by their exact text. PostgreSQL parses and plans
// an unnamed statement on every run; for the one-statement rotation that was about 0.5 ms of the
// server's CPU per refresh, more than running it. Only statements whose result columns cannot
// change belong here: a prepared `select *` fails once a migration adds a column.
const preparedNames = new Map<string, string>()

/**
 * Registers `text` to run as the prepared statement `name` on each connection of a pool opened by
 * {@link openPostgres} (elsewhere it runs unnamed, as any statement). Returns `text`.
 */
export function preparedOnPostgres(name: string, text: string): string {
  preparedNames.set(text, name)
  return text
}

/** The pool, with each client naming the registered statements. */
function preparing(pool: PgPool): PostgresPool {
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>()
  const wrap = (client: PostgresPoolClient): PostgresPoolClient => ({
    query: ((textOrCursor: unknown, parameters?: readonly unknown[]) => {
      const name = typeof textOrCursor === 'string' ? preparedNames.get(textOrCursor) : undefined
      if (name === undefined) {
        return (client.query as (...args: unknown[]) => unknown)(textOrCursor, parameters)
      }
      // pg accepts a query config; its client remembers which names it has prepared.
      const named = { name, text: textOrCursor, values: parameters }
      return (client.query as (config: unknown) => unknown)(named)
    }) as PostgresPoolClient['query'],
    release: () => client.release(),
  })
  return {
    async connect() {
      const client = await pool.connect()
      let proxy = wrapped.get(client)
      if (proxy === undefined) wrapped.set(client, (proxy = wrap(client)))
      return proxy
    },
    end: () => pool.end(),
  }
}
