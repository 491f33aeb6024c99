import { chainEvent, GENESIS_HASH, recordEvent } from '../../audit/chain.js'
import { decodeCursor, pageSize } from '../../audit/cursor.js'
import type {
  AuditEvent,
  AuditQuery,
  RecordedAuditEvent,
  StoredAuditEvent,
} from '../../audit/events.js'
import type { AuditHead, AuditStore } from '../../stores/interfaces.js'
import { copy, type MemoryScope, type MemoryState } from './state.js'

const EMPTY_HEAD: AuditHead = { seq: 0, hash: GENESIS_HASH, anchorSeq: 0, anchorHash: GENESIS_HASH }

/** The audit log in memory: one array per tenant in seq order, and a head per tenant. */
export class MemoryAuditStore implements AuditStore {
  readonly #scope: MemoryScope

  /** @param scope - where the store runs: on its own or in a transaction. */
  constructor(scope: MemoryScope) {
    this.#scope = scope
  }

  /** Chains the event at once: transactions here run one at a time, so there is no head to wait for. */
  append(event: AuditEvent): Promise<RecordedAuditEvent> {
    return this.#scope.run((state) => {
      const head = state.auditHeads.get(event.tenantId) ?? EMPTY_HEAD
      const recorded = recordEvent(event)
      const stored = chainEvent(recorded, head.seq + 1, head.hash)
      const events = eventsOf(state, event.tenantId)
      events.push(stored)
      state.onUndo(() => events.pop())
      state.put(state.auditHeads, event.tenantId, { ...head, seq: stored.seq, hash: stored.hash })
      return copy(recorded)
    })
  }

  query(query: AuditQuery): Promise<StoredAuditEvent[]> {
    return this.#scope.run((state) => {
      const cursor = decodeCursor(query.cursor)
      const limit = pageSize(query.limit)
      const types = listOf(query.type)
      const severities = listOf(query.severity)
      const matches = (state.auditEvents.get(query.tenantId) ?? []).filter(
        (e) =>
          (query.userId === undefined || e.userId === query.userId) &&
          (query.sessionId === undefined || e.sessionId === query.sessionId) &&
          (query.actor === undefined || e.actor === query.actor) &&
          (query.jti === undefined || e.jti === query.jti) &&
          (query.ip === undefined || e.ip === query.ip) &&
          (types === undefined || types.includes(e.type)) &&
          (severities === undefined || severities.includes(e.severity)) &&
          (query.from === undefined || e.time >= query.from) &&
          (query.to === undefined || e.time < query.to) &&
          (cursor === undefined ||
            e.time < cursor.time ||
            (e.time === cursor.time && e.seq < cursor.seq)),
      )
      return matches
        .sort((a, b) => b.time - a.time || b.seq - a.seq)
        .slice(0, limit)
        .map(copy)
    })
  }

  chain(tenantId: string, afterSeq: number, limit: number): Promise<StoredAuditEvent[]> {
    return this.#scope.run((state) =>
      (state.auditEvents.get(tenantId) ?? [])
        .filter((e) => e.seq > afterSeq)
        .slice(0, limit)
        .map(copy),
    )
  }

  head(tenantId: string): Promise<AuditHead> {
    return this.#scope.run((state) => ({ ...(state.auditHeads.get(tenantId) ?? EMPTY_HEAD) }))
  }

  prune(tenantId: string, before: number): Promise<number> {
    return this.#scope.run((state) => {
      const events = state.auditEvents.get(tenantId) ?? []
      let last: StoredAuditEvent | undefined
      for (const e of events)
        if (e.time < before && (last === undefined || e.seq > last.seq)) last = e
      if (last === undefined) return 0
      // Everything up to the last old event goes; its hash becomes the anchor the chain starts from.
      const anchor = last
      const cut = events.findIndex((e) => e.seq > anchor.seq)
      const removed = events.splice(0, cut === -1 ? events.length : cut)
      state.onUndo(() => events.unshift(...removed))
      const head = state.auditHeads.get(tenantId) ?? EMPTY_HEAD
      state.put(state.auditHeads, tenantId, {
        ...head,
        anchorSeq: anchor.seq,
        anchorHash: anchor.hash,
      })
      return removed.length
    })
  }
}

function eventsOf(state: MemoryState, tenantId: string): StoredAuditEvent[] {
  let events = state.auditEvents.get(tenantId)
  if (events === undefined) {
    events = []
    state.put(state.auditEvents, tenantId, events)
  }
  return events
}

function listOf<T extends string>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined
  return typeof value === 'string' ? [value as T] : (value as readonly T[])
}
