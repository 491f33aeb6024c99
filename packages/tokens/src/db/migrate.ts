import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely'
import { initial } from '../migrations/0001-initial.js'
import { auditEventsBySeq } from '../migrations/0002-audit-events-by-seq.js'
import { auditQueue } from '../migrations/0003-audit-queue.js'
import { StoreUnavailableError } from '../errors.js'
import type { Database } from './schema.js'

/** The migrations, in order. The names are part of the schema history: never rename one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-audit-events-by-seq': auditEventsBySeq,
  '0003-audit-queue': auditQueue,
}

/**
 * Brings the schema up to date. Kysely's migrator takes a lock, so several instances starting at
 * once apply each migration exactly once.
 */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: await postgresSchema(db),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new StoreUnavailableError(`migration ${failed} failed`, { cause: error })
  }
}

/**
 * On PostgreSQL, the schema our tables go to (the first of the search_path). Kysely looks for its
 * migration tables in every schema unless told which, so another schema's migration history in the
 * same database would otherwise be mistaken for ours.
 */
async function postgresSchema(db: Kysely<Database>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined
  try {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(db)
    return rows[0]?.name ?? undefined
  } catch (err) {
    throw new StoreUnavailableError('the database cannot be reached', { cause: err })
  }
}
