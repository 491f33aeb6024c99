// The audit queue: events commit here, with the change they record, and the chain is sealed from
// it afterwards (see adapters/sql/audit-sealer.ts). Chaining in the writing transaction held the
// tenant's head row locked from the append to the commit, so on PostgreSQL every state change of a
// tenant waited for the one before it to commit: a few hundred per second, whatever the hardware.
// `queued` orders the events of a seal; on SQLite it is the rowid.
import { PostgresAdapter, type Kysely, type Migration } from 'kysely'

export const auditQueue: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter
    await db.schema
      .createTable('audit_queue')
      .addColumn('queued', postgres ? 'bigint' : 'integer', (c) =>
        postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey(),
      )
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('user_id', 'text')
      .addColumn('session_id', 'text')
      .addColumn('jti', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('audit_queue_tenant')
      .on('audit_queue')
      .columns(['tenant_id', 'queued'])
      .execute()
  },
}
