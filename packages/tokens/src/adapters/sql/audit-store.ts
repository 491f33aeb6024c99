import type { Selectable } from 'kysely'
import type { AuditEventsTable } from '../../db/schema.js'
import { chainEvent, GENESIS_HASH } from '../../audit/chain.js'
import { decodeCursor, pageSize } from '../../audit/cursor.js'
import type {
  AuditEvent,
  AuditEventType,
  AuditQuery,
  AuditSeverity,
  StoredAuditEvent,
} from '../../audit/events.js'
import type { AuditHead, AuditStore } from '../../stores/interfaces.js'
import { atomically, guard, millis, prepared, type Executor } from './executor.js'

// The statements of an append, compiled once (see prepared): every state change writes one.
const nextSeq = prepared((db, tenantId: string) =>
  db
    .updateTable('audit_heads')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('tenant_id', '=', tenantId)
    .returning(['seq', 'hash']),
)
const setHeadHash = prepared((db, tenantId: string, hash: string) =>
  db.updateTable('audit_heads').set({ hash }).where('tenant_id', '=', tenantId),
)
const insertEvent = prepared(
  (
    db,
    id: string,
    tenantId: string,
    seq: number,
    time: number,
    type: string,
    severity: string,
    actor: string | null,
    userId: string | null,
    sessionId: string | null,
    jti: string | null,
    ip: string | null,
    userAgent: string | null,
    details: string,
    prevHash: string,
    hash: string,
  ) =>
    db.insertInto('audit_events').values({
      id,
      tenant_id: tenantId,
      seq,
      time,
      type,
      severity,
      actor,
      user_id: userId,
      session_id: sessionId,
      jti,
      ip,
      user_agent: userAgent,
      details,
      prev_hash: prevHash,
      hash,
    }),
)

export class SqlAuditStore implements AuditStore {
  readonly #db: Executor

  constructor(db: Executor) {
    this.#db = db
  }

  append(event: AuditEvent): Promise<StoredAuditEvent> {
    // Several statements: atomic on their own too, or concurrent appends could fork the chain.
    return guard('append audit event', () =>
      atomically(this.#db, async (db) => {
        // Taking the next seq locks the head row until commit, so the chain never forks. A
        // tenant's first event creates its head.
        let head = (await nextSeq(db, event.tenantId)).rows[0]
        if (head === undefined) {
          await db
            .insertInto('audit_heads')
            .values({
              tenant_id: event.tenantId,
              seq: 0,
              hash: GENESIS_HASH,
              anchor_seq: 0,
              anchor_hash: GENESIS_HASH,
            })
            .onConflict((oc) => oc.column('tenant_id').doNothing())
            .execute()
          head = (await nextSeq(db, event.tenantId)).rows[0]!
        }
        const stored = chainEvent(event, millis(head.seq), head.hash)
        await insertEvent(
          db,
          stored.id,
          stored.tenantId,
          stored.seq,
          stored.time,
          stored.type,
          stored.severity,
          stored.actor,
          stored.userId,
          stored.sessionId,
          stored.jti,
          stored.ip,
          stored.userAgent,
          JSON.stringify(stored.details),
          stored.prevHash,
          stored.hash,
        )
        await setHeadHash(db, event.tenantId, stored.hash)
        return stored
      }),
    )
  }

  query(query: AuditQuery): Promise<StoredAuditEvent[]> {
    return guard('query audit events', async () => {
      let q = this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('tenant_id', '=', query.tenantId)
      if (query.userId !== undefined) q = q.where('user_id', '=', query.userId)
      if (query.sessionId !== undefined) q = q.where('session_id', '=', query.sessionId)
      if (query.actor !== undefined) q = q.where('actor', '=', query.actor)
      if (query.jti !== undefined) q = q.where('jti', '=', query.jti)
      if (query.ip !== undefined) q = q.where('ip', '=', query.ip)
      if (query.type !== undefined) q = q.where('type', 'in', listOf(query.type))
      if (query.severity !== undefined) q = q.where('severity', 'in', listOf(query.severity))
      if (query.from !== undefined) q = q.where('time', '>=', query.from)
      if (query.to !== undefined) q = q.where('time', '<', query.to)
      const cursor = decodeCursor(query.cursor)
      if (cursor !== undefined) {
        // A row-value comparison, so the next page is an index seek rather than a scan past the
        // pages before it.
        q = q.where((eb) => eb(eb.refTuple('time', 'seq'), '<', eb.tuple(cursor.time, cursor.seq)))
      }
      const rows = await q
        .orderBy('time', 'desc')
        .orderBy('seq', 'desc')
        .limit(pageSize(query.limit))
        .execute()
      return rows.map(fromRow)
    })
  }

  chain(tenantId: string, afterSeq: number, limit: number): Promise<StoredAuditEvent[]> {
    return guard('read audit chain', async () => {
      const rows = await this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute()
      return rows.map(fromRow)
    })
  }

  head(tenantId: string): Promise<AuditHead> {
    return guard('read audit head', async () => {
      const row = await this.#db
        .selectFrom('audit_heads')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst()
      if (row === undefined) {
        return { seq: 0, hash: GENESIS_HASH, anchorSeq: 0, anchorHash: GENESIS_HASH }
      }
      return {
        seq: millis(row.seq),
        hash: row.hash,
        anchorSeq: millis(row.anchor_seq),
        anchorHash: row.anchor_hash,
      }
    })
  }

  prune(tenantId: string, before: number): Promise<number> {
    return guard('prune audit events', () =>
      atomically(this.#db, async (db) => {
        const last = await db
          .selectFrom('audit_events')
          .select(['seq', 'hash'])
          .where('tenant_id', '=', tenantId)
          .where('time', '<', before)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst()
        if (last === undefined) return 0
        // Everything up to the last old event goes; its hash becomes the anchor the chain starts from.
        const result = await db
          .deleteFrom('audit_events')
          .where('tenant_id', '=', tenantId)
          .where('seq', '<=', last.seq)
          .executeTakeFirst()
        await db
          .updateTable('audit_heads')
          .set({ anchor_seq: last.seq, anchor_hash: last.hash })
          .where('tenant_id', '=', tenantId)
          .execute()
        return Number(result.numDeletedRows)
      }),
    )
  }
}

function listOf<T extends string>(value: T | readonly T[]): T[] {
  return typeof value === 'string' ? [value] : [...value]
}

function fromRow(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    seq: millis(row.seq),
    time: millis(row.time),
    type: row.type as AuditEventType,
    severity: row.severity as AuditSeverity,
    actor: row.actor,
    userId: row.user_id,
    sessionId: row.session_id,
    jti: row.jti,
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}
