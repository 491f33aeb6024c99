// The SQL storage: SQLite by default, PostgreSQL through the same queries (Kysely dialects).
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import { migrate } from '../../db/migrate.js'
import { sqliteRunner } from '../../db/sqlite.js'
import { InvalidInputError, StoreUnavailableError, TokenError } from '../../errors.js'
import type { Storage, Stores } from '../../stores/interfaces.js'
import { SqlApiKeyStore } from './api-key-store.js'
import { SqlAuditStore } from './audit-store.js'
import type { Executor } from './executor.js'
import { GroupCommit } from './group-commit.js'
import { SqlRevocationStore } from './revocation-store.js'
import { SqlSessionStore } from './session-store.js'
import { SqlSigningKeyStore } from './signing-key-store.js'
import { SqlTenantStore } from './tenant-store.js'
import { SqlUserStore } from './user-store.js'

function storesOn(db: Executor): Stores {
  return {
    tenants: new SqlTenantStore(db),
    users: new SqlUserStore(db),
    sessions: new SqlSessionStore(db),
    revocations: new SqlRevocationStore(db),
    audit: new SqlAuditStore(db),
    signingKeys: new SqlSigningKeyStore(db),
    apiKeys: new SqlApiKeyStore(db),
  }
}

// Under synchronous=NORMAL a commit is durable against power loss once a checkpoint has synced the
// log. Checkpoints come every `checkpointPages` pages, which at low traffic can take hours: a timer
// bounds the window to a few seconds whatever the traffic.
const CHECKPOINT_INTERVAL_MS = 5_000

/** Options for {@link createSqlStorage}. */
export interface SqlStorageOptions {
  /**
   * On SQLite, how often the log is checkpointed whatever the traffic, in milliseconds (default
   * 5,000): under `synchronous=NORMAL`, the most a power loss can roll back.
   */
  checkpointIntervalMs?: number
}

function checkpointEvery(db: Kysely<Database>, ms: number): NodeJS.Timeout {
  return setInterval(() => {
    // PASSIVE never waits for readers; a failure is retried at the next tick (and the page-count
    // checkpoint still runs), so it is not worth an error.
    sql`pragma wal_checkpoint(passive)`.execute(db).catch(() => undefined)
  }, ms).unref()
}

/**
 * Opens SQL storage on a Kysely instance and brings its schema up to date.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const storage = await createSqlStorage(openSqlite({ driver: Database, filename: 'tessera.db' }))
 * ```
 */
export async function createSqlStorage(
  db: Kysely<Database>,
  options: SqlStorageOptions = {},
): Promise<Storage> {
  const interval = options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new InvalidInputError('checkpointIntervalMs must be a positive integer')
  }
  await migrate(db)
  const stores = storesOn(db)
  // On a SQLite file opened by openSqlite, transactions that arrive together share a commit.
  const runner = sqliteRunner(db.getExecutor().adapter)
  const group = runner === undefined ? undefined : new GroupCommit(db, runner, storesOn)
  const checkpoints = runner === undefined ? undefined : checkpointEvery(db, interval)
  return {
    ...stores,
    async transaction(fn) {
      try {
        return group === undefined
          ? await db.transaction().execute((trx) => fn(storesOn(trx)))
          : await group.transaction(fn)
      } catch (err) {
        if (err instanceof TokenError) throw err
        throw new StoreUnavailableError('the transaction failed', { cause: err })
      }
    },
    async close() {
      if (checkpoints !== undefined) clearInterval(checkpoints)
      await group?.drain()
      await db.destroy()
    },
  }
}
