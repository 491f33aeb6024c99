// The SQL storage: SQLite by default, PostgreSQL through the same queries (Kysely dialects).
import { PostgresAdapter, sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import { migrate } from '../../db/migrate.js'
import { sqliteRunner } from '../../db/sqlite.js'
import { InvalidInputError, StoreUnavailableError, TokenError } from '../../errors.js'
import type { FreshRotation, Storage, Stores } from '../../stores/interfaces.js'
import { SqlApiKeyStore } from './api-key-store.js'
import { AuditSealer, type SealTarget } from './audit-sealer.js'
import { SqlAuditStore, type AuditChaining } from './audit-store.js'
import { guard, type Executor } from './executor.js'
import { rotateFreshOnPostgres } from './fresh-rotation.js'
import { GroupCommit } from './group-commit.js'
import { SqlRevocationStore } from './revocation-store.js'
import { SqlSessionStore } from './session-store.js'
import { SqlSigningKeyStore } from './signing-key-store.js'
import { SqlTenantStore } from './tenant-store.js'
import { SqlUserStore } from './user-store.js'

function storesOn(db: Executor, chaining: AuditChaining, sealer?: AuditSealer): Stores {
  return {
    tenants: new SqlTenantStore(db),
    users: new SqlUserStore(db),
    sessions: new SqlSessionStore(db),
    revocations: new SqlRevocationStore(db),
    audit: new SqlAuditStore(db, chaining, sealer),
    signingKeys: new SqlSigningKeyStore(db),
    apiKeys: new SqlApiKeyStore(db),
  }
}

// Under synchronous=NORMAL a commit is durable against power loss once a checkpoint has synced the
// log. Checkpoints come every `checkpointPages` pages, which at low traffic can take hours: a timer
// bounds the window to a few seconds whatever the traffic.
const CHECKPOINT_INTERVAL_MS = 5_000

// How often each storage looks for audit events that another process committed and did not live
// to chain (see audit-sealer.ts).
const AUDIT_SWEEP_INTERVAL_MS = 1_000

/** Options for {@link createSqlStorage}. */
export interface SqlStorageOptions {
  /**
   * On SQLite, how often the log is checkpointed whatever the traffic, in milliseconds (default
   * 5,000): under `synchronous=NORMAL`, the most a power loss can roll back.
   */
  checkpointIntervalMs?: number
  /**
   * How often to chain audit events that another process committed and did not chain before it
   * stopped, in milliseconds (default 1,000). This process chains its own right after each commit.
   */
  auditSweepIntervalMs?: number
  /**
   * When audit events join their tenant's hash chain (see {@link AuditChaining}): by default
   * `in-transaction` on SQLite, `after-commit` on PostgreSQL.
   */
  auditChaining?: AuditChaining
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
  const sweepInterval = options.auditSweepIntervalMs ?? AUDIT_SWEEP_INTERVAL_MS
  if (!Number.isSafeInteger(sweepInterval) || sweepInterval < 1) {
    throw new InvalidInputError('auditSweepIntervalMs must be a positive integer')
  }
  const chaining =
    options.auditChaining ??
    (db.getExecutor().adapter instanceof PostgresAdapter ? 'after-commit' : 'in-transaction')
  if (chaining !== 'in-transaction' && chaining !== 'after-commit') {
    throw new InvalidInputError('auditChaining must be "in-transaction" or "after-commit"')
  }
  await migrate(db)
  // On a SQLite file opened by openSqlite, transactions that arrive together share a commit.
  const runner = sqliteRunner(db.getExecutor().adapter)
  const group =
    runner === undefined ? undefined : new GroupCommit(db, runner, (trx) => storesOn(trx, chaining))
  const checkpoints = runner === undefined ? undefined : checkpointEvery(db, interval)
  // The sealer runs in every mode: events a process left queued are chained whatever this one does.
  const queue = new SqlAuditStore(db, chaining)
  const target: SealTarget = {
    queuedTenants: () => queue.queuedTenants(),
    hasQueued: (tenantId) => queue.hasQueued(tenantId),
    sealBatch: (tenantId, limit) =>
      group === undefined
        ? queue.sealBatch(tenantId, limit)
        : group.transaction((stores) => (stores.audit as SqlAuditStore).sealBatch(tenantId, limit)),
  }
  const sealer = new AuditSealer(target, sweepInterval)
  const stores = storesOn(db, chaining, sealer)
  // One statement on PostgreSQL; it queues its audit event, so it needs chaining after commit.
  const oneStatementRotation =
    db.getExecutor().adapter instanceof PostgresAdapter && chaining === 'after-commit'
  return {
    ...stores,
    ...(oneStatementRotation && {
      async rotateFresh(rotation: FreshRotation) {
        const rotated = await guard('rotate refresh token', () =>
          rotateFreshOnPostgres(db, rotation),
        )
        if (rotated !== undefined) sealer.schedule([rotation.tenantId])
        return rotated
      },
    }),
    async transaction(fn) {
      let used: Stores | undefined
      const run = (trxStores: Stores) => fn((used = trxStores))
      try {
        const result =
          group === undefined
            ? await db.transaction().execute((trx) => run(storesOn(trx, chaining)))
            : await group.transaction(run)
        // Committed: its audit events can be chained now.
        if (used !== undefined) sealer.schedule((used.audit as SqlAuditStore).takeQueuedTenants())
        return result
      } catch (err) {
        if (err instanceof TokenError) throw err
        throw new StoreUnavailableError('the transaction failed', { cause: err })
      }
    },
    async close() {
      if (checkpoints !== undefined) clearInterval(checkpoints)
      await sealer.close()
      await group?.drain()
      await db.destroy()
    },
  }
}
