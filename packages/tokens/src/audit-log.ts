// The audit log service: record checked events, query them newest first with cursors, export them
// as NDJSON, verify each tenant's hash chain, and prune old events (retention).
import { encodeCursor, pageSize } from './audit/cursor.js'
import type {
  AuditEvent,
  AuditQuery,
  RecordedAuditEvent,
  StoredAuditEvent,
} from './audit/events.js'
import { checkAuditEvent, checkAuditQuery, DEFAULT_MAX_DETAILS_BYTES } from './audit/validate.js'
import { verifyChain, type ChainVerification } from './audit/verify.js'
import { InvalidInputError } from './errors.js'
import type { Storage, Stores } from './stores/interfaces.js'

/** Options for {@link AuditLog}. */
export interface AuditLogOptions {
  /** The cap on an event's serialized details, bytes of UTF-8 (default 4096). */
  maxDetailsBytes?: number
  /** Milliseconds since the epoch, for events recorded without a time; the store's clock if unset. */
  clock?: () => number
}

/** One page of a query: newest first, and the cursor of the next page. */
export interface AuditPage {
  events: StoredAuditEvent[]
  /** Pass as `cursor` for the next page; null when this page was not full (there is no more). */
  nextCursor: string | null
}

/** A query for {@link AuditLog.export}: every filter of a query, without paging. */
export type AuditExportQuery = Omit<AuditQuery, 'cursor' | 'limit'>

const EXPORT_PAGE = 1000

/**
 * The audit log of every tenant. Events are append-only and typed; each tenant's events form a hash
 * chain that {@link AuditLog.verifyChain} checks. An event holds ids, never a secret: pass user,
 * session and token ids (`jti`), never a password, a token, a key or a cookie; `record` refuses
 * details whose keys name a secret or whose values look like one of our tokens.
 *
 * @example
 * ```ts
 * const audit = new AuditLog(storage)
 * await audit.record({ tenantId, type: 'logout', severity: 'info', userId, sessionId })
 * const { events, nextCursor } = await audit.query({ tenantId, userId, from: since })
 * for await (const line of audit.export({ tenantId })) process.stdout.write(line)
 * ```
 */
export class AuditLog {
  readonly #storage: Storage
  readonly #maxDetailsBytes: number
  readonly #clock: (() => number) | undefined

  /**
   * @param storage - where events live.
   * @param options - the details cap and a clock.
   */
  constructor(storage: Storage, options: AuditLogOptions = {}) {
    const max = options.maxDetailsBytes ?? DEFAULT_MAX_DETAILS_BYTES
    if (!Number.isSafeInteger(max) || max < 2) {
      throw new InvalidInputError('maxDetailsBytes must be an integer of at least 2')
    }
    this.#storage = storage
    this.#maxDetailsBytes = max
    this.#clock = options.clock
  }

  /**
   * Checks an event and records it. It takes its place in its tenant's chain once its transaction
   * has committed: every read of the log sees it chained. To record a change in the same
   * transaction as the change, pass that transaction's stores.
   *
   * @param event - ids, reasons and counts; never secrets. Throws InvalidInputError when the type
   *   or severity is unknown, or the details are not a plain JSON object of at most 4 KB (by
   *   default) or hold something shaped like a secret.
   * @param stores - the stores to write through (a transaction's); the storage's own by default.
   * @example
   * ```ts
   * await storage.transaction(async (stores) => {
   *   await stores.users.update(disabledUser)
   *   await audit.record({ tenantId, type: 'user.disabled', severity: 'notice', userId }, stores)
   * })
   * ```
   */
  async record(
    event: AuditEvent,
    stores: Pick<Stores, 'audit'> = this.#storage,
  ): Promise<RecordedAuditEvent> {
    const checked = checkAuditEvent(event, this.#maxDetailsBytes)
    if (checked.time === undefined && this.#clock !== undefined) checked.time = this.#clock()
    return stores.audit.append(checked)
  }

  /**
   * One page of a tenant's events matching every filter given, newest first (time, then seq);
   * `from` is inclusive, `to` exclusive; `limit` 1 to 1000, 100 by default.
   *
   * @param query - the tenant, filters, and the cursor of the previous page.
   * @example
   * ```ts
   * let page = await audit.query({ tenantId, type: ['login.failed', 'account.locked'] })
   * while (page.nextCursor) page = await audit.query({ tenantId, cursor: page.nextCursor })
   * ```
   */
  async query(query: AuditQuery): Promise<AuditPage> {
    checkAuditQuery(query)
    const limit = pageSize(query.limit)
    const events = await this.#storage.audit.query({ ...query, limit })
    const last = events.at(-1)
    return { events, nextCursor: events.length === limit && last ? encodeCursor(last) : null }
  }

  /**
   * Every event matching the filters, newest first, as NDJSON: one JSON object per line, each
   * line ending in `\n`. Reads page by page, so memory stays flat however many events match.
   *
   * @param query - the tenant and filters.
   * @example
   * ```ts
   * import { Readable } from 'node:stream'
   * Readable.from(audit.export({ tenantId, from: since })).pipe(createWriteStream('audit.ndjson'))
   * ```
   */
  async *export(query: AuditExportQuery): AsyncGenerator<string, void, undefined> {
    const { cursor: _cursor, limit: _limit, ...filters } = query as AuditQuery
    checkAuditQuery(filters)
    let cursor: string | undefined
    for (;;) {
      const events = await this.#storage.audit.query({ ...filters, cursor, limit: EXPORT_PAGE })
      for (const event of events) yield `${JSON.stringify(event)}\n`
      if (events.length < EXPORT_PAGE) return
      cursor = encodeCursor(events.at(-1)!)
    }
  }

  /**
   * Checks a tenant's hash chain from the retention anchor to the head; see {@link verifyChain}.
   *
   * @param tenantId - whose chain.
   * @example
   * ```ts
   * const result = await audit.verifyChain(tenantId)
   * if (!result.ok) alert(`audit log tampered with at seq ${result.brokenAtSeq} (${result.reason})`)
   * ```
   */
  async verifyChain(tenantId: string): Promise<ChainVerification> {
    checkTenant(tenantId)
    return verifyChain(this.#storage.audit, tenantId)
  }

  /**
   * Retention: deletes a tenant's events older than `before` (and any older in the chain than the
   * newest of those), keeping the last one's hash as the anchor the chain verifies from.
   *
   * @param tenantId - whose events.
   * @param before - milliseconds since the epoch.
   * @returns how many events were deleted.
   * @example
   * ```ts
   * await audit.prune(tenantId, Date.now() - 365 * 86_400_000)
   * ```
   */
  async prune(tenantId: string, before: number): Promise<number> {
    checkTenant(tenantId)
    if (!Number.isSafeInteger(before)) {
      throw new InvalidInputError('before must be milliseconds since the epoch')
    }
    return this.#storage.audit.prune(tenantId, before)
  }
}

function checkTenant(tenantId: unknown): void {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new InvalidInputError('tenantId must be a non-empty string')
  }
}
