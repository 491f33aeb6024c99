// Keeps what one instance holds in memory (its revocation set, cached signing keys and tenant
// settings) in step with what every instance commits. Changes arrive as signals; whenever the
// signals may have missed something (at start, after the subscription dropped, and every
// `resyncMs` for what pub/sub can lose silently) the instance reloads from the store, and until
// that reload has finished it reports itself as not current.
import type { StateChange } from './stores/change-feed.js'
import type { SignalHandlers } from './adapters/redis/signals.js'
import type { RevocationRecord } from './stores/records.js'

/** The transport of changes between instances ({@link RedisSignals} is the implementation). */
export interface Signals {
  start(handlers: SignalHandlers): Promise<void>
  /** Resolves to whether the changes were sent; never rejects. */
  publish(changes: readonly StateChange[]): Promise<boolean>
  close(): Promise<void>
}

/** How many unsent changes an instance keeps for later; past that, the others' reload covers them. */
const MAX_UNSENT = 10_000

/** What the sync updates; TokenService, KeyManager and Tenants fit. */
export interface SyncTargets {
  tokens: {
    readonly revocations: { apply(revocation: RevocationRecord): void }
    reloadRevocations(): Promise<void>
  }
  keys: { invalidate(tenantId?: string): void }
  tenants: { invalidate(id?: string): void }
}

/** Whether the instance is current, and why not. */
export interface SyncState {
  current: boolean
  /** Why the instance is not current (no secret in it). */
  reason?: string
}

/** Options for {@link InstanceSync}. */
export interface InstanceSyncOptions extends SyncTargets {
  signals: Signals
  /** A full reload this often even when nothing seems lost, ms (default 60,000; 0 = never). */
  resyncMs?: number
  /** Wait before retrying a reload that failed, or a publish Redis did not take, ms (default 1,000). */
  retryMs?: number
  /** Told each time the instance becomes current or stops being so. */
  onStateChange?: (state: SyncState) => void
}

/**
 * Applies other instances' changes to this one, and knows whether it may have missed any.
 *
 * @example
 * ```ts
 * let sync: InstanceSync | undefined
 * const storage = observeChanges(rawStorage, (changes) => sync?.publish(changes))
 * // ... tenants, keys, tokens (with revocationsCurrent: () => sync?.current ?? false)
 * sync = new InstanceSync({ signals, tokens, keys, tenants })
 * await sync.start() // subscribed and reloaded
 * ```
 */
export class InstanceSync {
  readonly #signals: Signals
  readonly #targets: SyncTargets
  readonly #resyncMs: number
  readonly #retryMs: number
  readonly #onStateChange: (state: SyncState) => void
  #current = false
  /** Bumped whenever delivery is lost or a new reload starts; a reload only counts if it stays. */
  #epoch = 0
  #resyncTimer: NodeJS.Timeout | undefined
  #retryTimer: NodeJS.Timeout | undefined
  #resendTimer: NodeJS.Timeout | undefined
  #firstReload: Promise<void> | undefined
  readonly #publishing = new Set<Promise<unknown>>()
  /** Changes Redis did not take, sent again once this instance can reach it (oldest dropped). */
  #unsent: StateChange[] = []
  #closed = false

  /** @param options the signals, what to update, and the resync period */
  constructor(options: InstanceSyncOptions) {
    this.#signals = options.signals
    this.#targets = { tokens: options.tokens, keys: options.keys, tenants: options.tenants }
    this.#resyncMs = options.resyncMs ?? 60_000
    this.#retryMs = options.retryMs ?? 1000
    this.#onStateChange = options.onStateChange ?? (() => {})
  }

  /** True when subscribed and reloaded since: no committed change can be missing here. */
  get current(): boolean {
    return this.#current
  }

  /**
   * Subscribes, then reloads; resolves once current, or not current when Redis cannot be reached
   * yet (it becomes current by itself once Redis can be reached and the reload is done).
   */
  async start(): Promise<void> {
    await this.#signals.start({
      changes: (changes) => this.#apply(changes),
      subscribed: () => {
        const reload = this.#reload()
        this.#firstReload ??= reload
        this.#resend()
      },
      lost: (reason) => this.#lost(reason),
    })
    await this.#firstReload
    // Changes Redis did not take are tried again every retryMs until it takes them.
    this.#resendTimer = setInterval(() => this.#resend(), this.#retryMs)
    this.#resendTimer.unref()
    if (this.#resyncMs > 0) {
      this.#resyncTimer = setInterval(() => void this.#reload(false), this.#resyncMs)
      this.#resyncTimer.unref()
    }
  }

  /** Hands committed changes to every instance; an `OnCommitted` for observeChanges. */
  publish(changes: StateChange[]): void {
    // Revocations apply here at once too: the caller may answer before its own signal comes
    // back. (Key and tenant writers have already updated their own caches.)
    this.#apply(changes.filter((change) => change.kind === 'revocation'))
    this.#send(changes)
  }

  #resend(): void {
    if (this.#unsent.length > 0 && !this.#closed) this.#send(this.#unsent.splice(0))
  }

  #send(changes: StateChange[]): void {
    const sent = this.#signals.publish(changes).then((ok) => {
      if (ok) return
      // Cut off from Redis: the others would only see these at their next full reload. Keep
      // them, bounded, and send them again (every retryMs, and on every new subscription).
      this.#unsent.push(...changes)
      if (this.#unsent.length > MAX_UNSENT) this.#unsent.splice(0, this.#unsent.length - MAX_UNSENT)
    })
    this.#publishing.add(sent)
    void sent.finally(() => this.#publishing.delete(sent))
  }

  /** Sends what is being published, then stops listening and reloading. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#publishing)
    this.#closed = true
    clearInterval(this.#resyncTimer)
    clearTimeout(this.#retryTimer)
    clearInterval(this.#resendTimer)
    // Not current any more, but no outage to report: the owner is shutting down.
    this.#current = false
    await this.#signals.close()
  }

  #apply(changes: readonly StateChange[]): void {
    for (const change of changes) {
      if (change.kind === 'revocation') this.#targets.tokens.revocations.apply(change.revocation)
      else if (change.kind === 'keys') this.#targets.keys.invalidate(change.tenantId)
      else this.#targets.tenants.invalidate(change.tenantId)
    }
  }

  #lost(reason: string): void {
    this.#epoch++
    this.#setCurrent(false, reason)
  }

  /**
   * Reloads everything cached. `fresh` (after a subscribe) starts a new epoch; a periodic reload
   * keeps the epoch, so it never marks current an instance that has lost its subscription.
   */
  async #reload(fresh = true): Promise<void> {
    if (this.#closed) return
    if (fresh) this.#epoch++
    const epoch = this.#epoch
    try {
      this.#targets.keys.invalidate()
      this.#targets.tenants.invalidate()
      await this.#targets.tokens.reloadRevocations()
    } catch {
      // A periodic reload that fails changes nothing: signals still arrive.
      if (fresh && epoch === this.#epoch && !this.#closed) {
        this.#setCurrent(false, 'the store could not be read')
        clearTimeout(this.#retryTimer)
        this.#retryTimer = setTimeout(() => {
          if (epoch === this.#epoch) void this.#reload()
        }, this.#retryMs)
        this.#retryTimer.unref()
      }
      return
    }
    if (epoch === this.#epoch && fresh) this.#setCurrent(true)
  }

  #setCurrent(current: boolean, reason?: string): void {
    if (current === this.#current) return
    this.#current = current
    this.#onStateChange(current ? { current } : { current, reason: reason ?? 'unknown' })
  }
}
