// Seals the audit chain after the commit. A transaction records its events in the audit queue,
// which takes no lock any other transaction waits for; once it has committed, the sealer moves the
// tenant's queued events into the chain, many at a time, holding the tenant's head only for that.
// Chaining inside the writing transaction held the head from the append to the commit, so every
// state change of a tenant waited for the one before it: on PostgreSQL, a few hundred a second.
//
// When events get chained: right after their transaction commits (off the caller's path), before
// any read of the log (`seal`), every `intervalMs` for whatever another process left queued (one
// that crashed between its commit and its seal), and when the storage closes.

/** The most events one sealing transaction chains, so that it holds the tenant's head briefly. */
export const SEAL_BATCH = 500

/** What the sealer runs on: the SQL audit store's sealing statements. */
export interface SealTarget {
  /** The tenants that have queued events (a read outside any transaction). */
  queuedTenants(): Promise<string[]>
  /** Whether the tenant has queued events (a read outside any transaction). */
  hasQueued(tenantId: string): Promise<boolean>
  /** In one transaction, chains up to `limit` of the tenant's queued events; returns how many. */
  sealBatch(tenantId: string, limit: number): Promise<number>
}

/** Chains queued audit events, per tenant one seal at a time in this process. */
export class AuditSealer {
  readonly #target: SealTarget
  readonly #timer: NodeJS.Timeout
  /** Tenants whose events committed and wait for the background pass. */
  readonly #pending = new Set<string>()
  /** The running seal of each tenant, so that seals of one tenant queue behind each other here. */
  readonly #sealing = new Map<string, Promise<void>>()
  #pass: Promise<void> | undefined

  /**
   * @param target - the statements to run
   * @param intervalMs - how often to look for events another process left queued
   */
  constructor(target: SealTarget, intervalMs: number) {
    this.#target = target
    this.#timer = setInterval(() => void this.sweep(), intervalMs).unref()
  }

  /** Seals these tenants' queues in the background. Call it once their events have committed. */
  schedule(tenantIds: Iterable<string>): void {
    for (const tenantId of tenantIds) this.#pending.add(tenantId)
    if (this.#pending.size > 0) this.#pass ??= this.#backgroundPass()
  }

  /** Chains every event of the tenant committed before the call. Throws what the store throws. */
  async seal(tenantId: string): Promise<void> {
    if (await this.#target.hasQueued(tenantId)) await this.#sealTenant(tenantId)
  }

  /** Seals whatever any process left queued. A failure is left for the next sweep. */
  async sweep(): Promise<void> {
    try {
      this.schedule(await this.#target.queuedTenants())
    } catch {
      // The store is unreachable: the events stay queued, and the next sweep finds them.
    }
    await this.#pass
  }

  /** Stops the timer and seals what is queued; for the storage's close. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    await this.sweep()
  }

  async #backgroundPass(): Promise<void> {
    try {
      while (this.#pending.size > 0) {
        const tenants = [...this.#pending]
        this.#pending.clear()
        for (const tenantId of tenants) {
          // A failure leaves the events queued, where the next sweep or read finds them.
          await this.#sealTenant(tenantId).catch(() => undefined)
        }
      }
    } finally {
      this.#pass = undefined
    }
  }

  #sealTenant(tenantId: string): Promise<void> {
    const before = this.#sealing.get(tenantId)
    const run = (before ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        while ((await this.#target.sealBatch(tenantId, SEAL_BATCH)) === SEAL_BATCH) {
          // A full batch: there may be more.
        }
      })
    this.#sealing.set(tenantId, run)
    const forget = () => {
      if (this.#sealing.get(tenantId) === run) this.#sealing.delete(tenantId)
    }
    run.then(forget, forget)
    return run
  }
}
