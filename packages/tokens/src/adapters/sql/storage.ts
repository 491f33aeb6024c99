// The SQL storage: SQLite by default, PostgreSQL through the same queries (Kysely dialects).
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import { migrate } from '../../db/migrate.js'
import { sqliteRunner } from '../../db/sqlite.js'
import { StoreUnavailableError, TokenError } from '../../errors.js'
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

/**
 * Opens SQL storage on a Kysely instance and brings its schema up to date.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const storage = await createSqlStorage(openSqlite({ driver: Database, filename: 'tessera.db' }))
 * ```
 */
export async function createSqlStorage(db: Kysely<Database>): Promise<Storage> {
  await migrate(db)
  const stores = storesOn(db)
  // On a SQLite file opened by openSqlite, transactions that arrive together share a commit.
  const runner = sqliteRunner(db.getExecutor().adapter)
  const group = runner === undefined ? undefined : new GroupCommit(db, runner, storesOn)
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
      await group?.drain()
      await db.destroy()
    },
  }
}
