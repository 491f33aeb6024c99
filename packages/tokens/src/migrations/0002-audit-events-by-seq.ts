// Audit events are found by (tenant_id, seq), never by id: the random id's unique index cost every
// append one more page write (one per state change, on the refresh hot path), for nothing. On SQLite
// the table is rebuilt WITHOUT ROWID, keyed by (tenant_id, seq), which also merges the table with the
// chain-order index: two b-trees fewer per append. On PostgreSQL dropping the id's primary key is
// enough; the (tenant_id, seq) unique constraint stays.
import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely'

const COLUMNS = [
  'id',
  'tenant_id',
  'seq',
  'time',
  'type',
  'severity',
  'actor',
  'user_id',
  'session_id',
  'jti',
  'ip',
  'user_agent',
  'details',
  'prev_hash',
  'hash',
] as const

export const auditEventsBySeq: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`alter table audit_events drop constraint audit_events_pkey`.execute(db)
      return
    }
    // SQLite runs migrations outside a transaction: make the rebuild one, and skip it if a run that
    // stopped before recording itself already did it.
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ sql: string }>`
        select sql from sqlite_master where type = 'table' and name = 'audit_events'`.execute(trx)
      if (/without\s+rowid/i.test(rows[0]?.sql ?? '')) return
      await trx.schema
        .createTable('audit_events_by_seq')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
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
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_events_tenant_seq', ['tenant_id', 'seq'])
        .modifyEnd(sql`without rowid`)
        .execute()
      const columns = sql.join(COLUMNS.map((name) => sql.ref(name)))
      await sql`insert into audit_events_by_seq (${columns}) select ${columns} from audit_events`.execute(
        trx,
      )
      await trx.schema.dropTable('audit_events').execute()
      await trx.schema.alterTable('audit_events_by_seq').renameTo('audit_events').execute()
      // The query indexes, as 0001 made them (dropping the table dropped them).
      await trx.schema
        .createIndex('audit_events_user_time')
        .on('audit_events')
        .columns(['tenant_id', 'user_id', 'time', 'seq'])
        .execute()
      await trx.schema
        .createIndex('audit_events_session_time')
        .on('audit_events')
        .columns(['tenant_id', 'session_id', 'time', 'seq'])
        .execute()
      await trx.schema
        .createIndex('audit_events_time')
        .on('audit_events')
        .columns(['tenant_id', 'time', 'seq'])
        .execute()
    })
  },
}
