// Cross-instance signals over Redis pub/sub: each committed change (a revocation, a signing-key
// change, a tenant change) is published on one channel, and every instance applies what it hears.
// Pub/sub delivers at most once, so this file also says when delivery may have failed: the
// subscription dropped, or the heartbeat that every instance publishes stopped arriving. The
// instance then treats its caches as stale until it is subscribed again and has reloaded them.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { StateChange } from '../../stores/change-feed.js'
import type { RevocationKind } from '../../stores/records.js'

/** Options for {@link RedisSignals}. */
export interface RedisSignalsOptions {
  /** A connection for PUBLISH (it may be shared, e.g. with the rate limits). */
  publisher: Redis
  /** A connection of its own: SUBSCRIBE turns a Redis connection into a subscriber. */
  subscriber: Redis
  /** The channel (default `tessera:changes`); instances that share state share it. */
  channel?: string
  /** How often this instance publishes a heartbeat, ms (default 1000). */
  heartbeatMs?: number
  /** Silence after which delivery counts as lost, ms (default three heartbeats). */
  silenceMs?: number
  /** Told about a publish that failed (the change is committed; peers resync later). */
  onPublishError?: (err: unknown) => void
}

/** What {@link RedisSignals} tells its owner. */
export interface SignalHandlers {
  /** Changes another instance (or this one) committed. */
  changes(changes: StateChange[]): void
  /** Subscribed (again): every change published from now on arrives. Reload what may be stale. */
  subscribed(): void
  /** Changes may have been missed since the last `subscribed` (the reason has no secret in it). */
  lost(reason: string): void
}

const KINDS: ReadonlySet<string> = new Set<RevocationKind>(['jti', 'session', 'user', 'tenant'])
const MAX_MESSAGE_BYTES = 1 << 20

/**
 * Publishes committed changes and delivers those of every instance, over one Redis channel.
 *
 * @example
 * ```ts
 * const signals = new RedisSignals({ publisher: new Redis(url), subscriber: new Redis(url) })
 * await signals.start({ changes: apply, subscribed: reload, lost: markStale })
 * await signals.publish([{ kind: 'keys', tenantId }])
 * ```
 */
export class RedisSignals {
  readonly #publisher: Redis
  readonly #subscriber: Redis
  readonly #channel: string
  readonly #heartbeatMs: number
  readonly #silenceMs: number
  readonly #onPublishError: (err: unknown) => void
  readonly #from = randomUUID()
  #handlers: SignalHandlers | undefined
  #live = false
  #lastHeard = 0
  #timer: NodeJS.Timeout | undefined
  #closed = false

  /** @param options the two connections, the channel and the heartbeat */
  constructor(options: RedisSignalsOptions) {
    this.#publisher = options.publisher
    this.#subscriber = options.subscriber
    this.#channel = options.channel ?? 'tessera:changes'
    this.#heartbeatMs = options.heartbeatMs ?? 1000
    this.#silenceMs = options.silenceMs ?? 3 * this.#heartbeatMs
    this.#onPublishError = options.onPublishError ?? (() => {})
  }

  /** Whether delivery is known to work now. */
  get live(): boolean {
    return this.#live
  }

  /**
   * Subscribes and starts the heartbeat. Resolves once subscribed (after `subscribed` was
   * called), or once the first attempt has failed: then `subscribed` comes when Redis can be
   * reached. After every reconnect it subscribes again, and `subscribed` is called again.
   */
  async start(handlers: SignalHandlers): Promise<void> {
    this.#handlers = handlers
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#heard(message)
    })
    this.#subscriber.on('close', () => this.#lose('the subscription closed'))
    this.#subscriber.on('ready', () => void this.#subscribe().catch(() => {}))
    this.#timer = setInterval(() => this.#beat(), this.#heartbeatMs)
    this.#timer.unref()
    try {
      await this.#subscribe()
    } catch {
      // Redis is unreachable: not live. The 'ready' listener subscribes once it can be reached.
    }
  }

  /**
   * Publishes changes to every instance (this one included). Never throws; resolves to whether
   * Redis took them (false: the caller may publish them again later).
   */
  async publish(changes: readonly StateChange[]): Promise<boolean> {
    if (changes.length === 0 || this.#closed) return true
    try {
      await this.#publisher.publish(this.#channel, JSON.stringify({ from: this.#from, changes }))
      return true
    } catch (err) {
      this.#onPublishError(err)
      return false
    }
  }

  /** Stops the heartbeat and unsubscribes; the connections stay open for their owner to close. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#live = false
    if (this.#subscriber.status === 'ready') await this.#subscriber.unsubscribe(this.#channel)
  }

  async #subscribe(): Promise<void> {
    if (this.#closed) return
    await this.#subscriber.subscribe(this.#channel)
    this.#becomeLive()
  }

  #becomeLive(): void {
    this.#lastHeard = Date.now()
    if (this.#live || this.#closed) return
    this.#live = true
    this.#handlers?.subscribed()
  }

  #lose(reason: string): void {
    if (!this.#live || this.#closed) return
    this.#live = false
    this.#handlers?.lost(reason)
  }

  #beat(): void {
    if (this.#live && Date.now() - this.#lastHeard > this.#silenceMs) {
      this.#lose('no heartbeat arrived in time')
    }
    // Fire and forget; a failure shows up as silence.
    this.#publisher.publish(this.#channel, JSON.stringify({ from: this.#from })).catch(() => {})
  }

  #heard(message: string): void {
    // Silence ended while subscribed: messages may have been missed, so resync first.
    if (!this.#live) {
      if (this.#subscriber.status === 'ready') this.#becomeLive()
      else return
    }
    this.#lastHeard = Date.now()
    const changes = parseMessage(message)
    if (changes !== undefined && changes.length > 0) this.#handlers?.changes(changes)
  }
}

/** The changes in a message, or undefined when it is a heartbeat or not ours. */
export function parseMessage(message: string): StateChange[] | undefined {
  if (message.length > MAX_MESSAGE_BYTES) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(message)
  } catch {
    return undefined
  }
  const changes = (parsed as { changes?: unknown } | null)?.changes
  if (!Array.isArray(changes)) return undefined
  return changes.filter(isChange)
}

function isChange(value: unknown): value is StateChange {
  if (typeof value !== 'object' || value === null) return false
  const change = value as Record<string, unknown>
  if (change.kind === 'keys' || change.kind === 'tenant') return typeof change.tenantId === 'string'
  if (change.kind !== 'revocation') return false
  const r = change.revocation as Record<string, unknown> | null
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.tenantId === 'string' &&
    typeof r.kind === 'string' &&
    KINDS.has(r.kind) &&
    typeof r.subject === 'string' &&
    Number.isSafeInteger(r.cutoff) &&
    Number.isSafeInteger(r.expiresAt)
  )
}
