// API keys that have authenticated, kept in memory so that a client presenting its key on every
// request (introspection, the token endpoint) costs one SHA-256 and a constant-time comparison
// instead of a store read. What is kept is the SHA-256 of the key that authenticated, never the key.
//
// A revoked key is refused at once: on this instance, whose revocation reaches `revoked` after it
// commits; on the others, as soon as the revocation arrives through the instance sync (Redis). In
// every case no entry is used longer than `ttlMs` after the store last accepted the key, which
// bounds what an instance that cannot hear the others (no Redis, or Redis unreachable: the cache is
// then bypassed) or a write made outside the server can miss.
import { createHash, timingSafeEqual } from 'node:crypto'
import { apiKeyId, apiKeySessionId, type ApiKey, type RevocationRecord } from '@tessera/tokens'

/** What checks a presented API key; `ApiKeys` and {@link ApiKeyCache} fit. */
export interface ApiKeyAuthenticator {
  /** The key's record; the errors of `ApiKeys.authenticate` for a bad, revoked or expired key. */
  authenticate(tenantId: string, key: string): Promise<ApiKey>
}

/** Options for {@link ApiKeyCache}. */
export interface ApiKeyCacheOptions {
  /** Where a key not in memory is checked (the store, through `ApiKeys`). */
  apiKeys: ApiKeyAuthenticator
  /** How long the store's answer is used without asking again, ms; 0 turns the cache off. */
  ttlMs: number
  /** Milliseconds since the epoch. */
  clock: () => number
  /**
   * False while revocations from other instances may be missed: every key is then checked in the
   * store. Absent: always true (an instance alone).
   */
  current?: () => boolean
  /** Most keys kept (default 10,000); the oldest entry makes room. */
  maxEntries?: number
}

interface Entry {
  apiKey: ApiKey
  /** SHA-256 of the key that authenticated. */
  hash: Buffer
  /** When the store accepted it. */
  checkedAt: number
}

/**
 * Authenticates API keys, from memory when the same key authenticated less than `ttlMs` ago.
 *
 * @example
 * ```ts
 * const clientKeys = new ApiKeyCache({ apiKeys, ttlMs: 30_000, clock: Date.now })
 * const apiKey = await clientKeys.authenticate(tenantId, presented)
 * clientKeys.revoked(revocation) // after a revocation commits, here or elsewhere
 * ```
 */
export class ApiKeyCache implements ApiKeyAuthenticator {
  readonly #apiKeys: ApiKeyAuthenticator
  readonly #ttlMs: number
  readonly #clock: () => number
  readonly #current: () => boolean
  readonly #maxEntries: number
  /** By tenant and key id (not by anything secret). */
  readonly #entries = new Map<string, Entry>()
  /** Bumped by every invalidation: a store answer read before one is not kept. */
  #epoch = 0

  /** @param options where keys are checked, how long an answer is kept, the clock */
  constructor(options: ApiKeyCacheOptions) {
    this.#apiKeys = options.apiKeys
    this.#ttlMs = options.ttlMs
    this.#clock = options.clock
    this.#current = options.current ?? (() => true)
    this.#maxEntries = options.maxEntries ?? 10_000
  }

  /** How many keys are kept (for tests and metrics). */
  get size(): number {
    return this.#entries.size
  }

  /** Checks a presented key in a tenant; see {@link ApiKeyAuthenticator.authenticate}. */
  authenticate(tenantId: string, key: string): Promise<ApiKey> {
    // Only strings shaped like a key (of fixed length) are hashed here; anything else goes to the
    // store, which refuses it.
    const id = this.#ttlMs > 0 ? apiKeyId(key) : undefined
    if (id === undefined) return this.#apiKeys.authenticate(tenantId, key)
    const slot = `${tenantId}/${id}`
    const hash = sha256(key)
    const entry = this.#entries.get(slot)
    if (entry !== undefined) {
      const now = this.#clock()
      const expiresAt = entry.apiKey.expiresAt
      if (
        now - entry.checkedAt >= this.#ttlMs ||
        (expiresAt !== null && expiresAt <= now) ||
        !this.#current()
      ) {
        this.#entries.delete(slot)
      } else if (timingSafeEqual(hash, entry.hash)) {
        return Promise.resolve(entry.apiKey)
      }
      // A wrong secret for a known id: the store answers it, as it would without the cache.
    }
    return this.#load(tenantId, key, slot, hash)
  }

  /** Forgets the key a committed revocation names (an API key's revocation ends its session). */
  revoked(revocation: RevocationRecord): void {
    if (revocation.kind !== 'session' || !revocation.subject.startsWith(apiKeySessionId(''))) {
      return
    }
    this.#epoch++
    const id = revocation.subject.slice(apiKeySessionId('').length)
    this.#entries.delete(`${revocation.tenantId}/${id}`)
  }

  /** Forgets every key (when this instance may have missed changes and reloads). */
  clear(): void {
    this.#epoch++
    this.#entries.clear()
  }

  async #load(tenantId: string, key: string, slot: string, hash: Buffer): Promise<ApiKey> {
    const epoch = this.#epoch
    const checkedAt = this.#clock()
    const apiKey = deepFreeze(await this.#apiKeys.authenticate(tenantId, key))
    // Not kept when an invalidation came while the store was read (it may have read a key that
    // has been revoked since), or while changes from other instances may be missed.
    if (epoch === this.#epoch && this.#current()) {
      this.#entries.delete(slot)
      if (this.#entries.size >= this.#maxEntries) {
        this.#entries.delete(this.#entries.keys().next().value!)
      }
      this.#entries.set(slot, { apiKey, hash, checkedAt })
    }
    return apiKey
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
