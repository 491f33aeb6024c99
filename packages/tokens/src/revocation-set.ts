// The local revocation set: every revocation still in force, in memory, so validation does no I/O.
// It is loaded from the store at start and updated by every revocation this process makes (and, with
// Redis, by those other instances publish).
import type { RevocationKind, RevocationRecord } from './stores/records.js'

/** The claims revocation looks at. */
export interface RevocableClaims {
  tid: string
  jti?: unknown
  sid?: unknown
  sub?: unknown
  iat?: unknown
}

interface Entry {
  cutoff: number
  expiresAt: number
}

/**
 * Revoked token ids, sessions, and per-user and per-tenant cut-offs. A cut-off revokes every token
 * whose `iat` (whole seconds) is at or before the second the cut-off falls in; tokens issued after a
 * cut-off get an `iat` past that second (see {@link RevocationSet.earliestIat}), so the second in
 * which a cut-off falls never lets an old token through or stops a new one.
 */
export class RevocationSet {
  readonly #entries = new Map<string, Entry>()

  /** Adds or widens a revocation. */
  apply(revocation: RevocationRecord): void {
    const key = slot(revocation.tenantId, revocation.kind, revocation.subject)
    const existing = this.#entries.get(key)
    this.#entries.set(key, {
      cutoff: Math.max(existing?.cutoff ?? 0, revocation.cutoff),
      expiresAt: Math.max(existing?.expiresAt ?? 0, revocation.expiresAt),
    })
  }

  /** Replaces the whole set with what the store holds. */
  load(revocations: readonly RevocationRecord[]): void {
    this.#entries.clear()
    for (const revocation of revocations) this.apply(revocation)
  }

  /** Why these claims are revoked, or undefined when they are not. */
  revokedBy(claims: RevocableClaims): RevocationKind | undefined {
    const tid = claims.tid
    if (typeof claims.jti === 'string' && this.#entries.has(slot(tid, 'jti', claims.jti)))
      return 'jti'
    if (typeof claims.sid === 'string' && this.#entries.has(slot(tid, 'session', claims.sid))) {
      return 'session'
    }
    const iat = typeof claims.iat === 'number' ? claims.iat : -Infinity
    if (
      typeof claims.sub === 'string' &&
      iat < this.#cutoffSeconds(slot(tid, 'user', claims.sub))
    ) {
      return 'user'
    }
    if (iat < this.#cutoffSeconds(slot(tid, 'tenant', tid))) return 'tenant'
    return undefined
  }

  /** True when a session has been revoked. */
  isSessionRevoked(tenantId: string, sessionId: string): boolean {
    return this.#entries.has(slot(tenantId, 'session', sessionId))
  }

  /**
   * The smallest `iat` (seconds) a token for this user may carry now: past the second of every
   * cut-off made before `since`, the creation of the session the token is for. A cut-off made at
   * or after it (a logout-all or tenant revocation that ended the session while its token was being
   * issued; the same millisecond counts as after) is not stepped over: the token stays revoked with
   * its session.
   */
  earliestIat(tenantId: string, userId: string, nowSeconds: number, since = Infinity): number {
    return Math.max(
      nowSeconds,
      this.#cutoffSeconds(slot(tenantId, 'user', userId), since),
      this.#cutoffSeconds(slot(tenantId, 'tenant', tenantId), since),
    )
  }

  /** Forgets revocations whose tokens have all expired. */
  prune(now: number): number {
    let removed = 0
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key)
        removed++
      }
    }
    return removed
  }

  /** How many revocations are in force. */
  get size(): number {
    return this.#entries.size
  }

  #cutoffSeconds(key: string, madeBefore = Infinity): number {
    const entry = this.#entries.get(key)
    return entry === undefined || entry.cutoff >= madeBefore
      ? -Infinity
      : Math.floor(entry.cutoff / 1000) + 1
  }
}

/**
 * When a revocation made `now` may be forgotten: once every token it covers has expired. A token's
 * `iat` can be up to a second past its issue (see {@link RevocationSet.earliestIat}), so its `exp`
 * can be too.
 *
 * @param accessTokenTtl - the tenant's access token lifetime, seconds
 */
export function revocationExpiry(now: number, accessTokenTtl: number): number {
  return now + accessTokenTtl * 1000 + 1000
}

function slot(tenantId: string, kind: RevocationKind, subject: string): string {
  return `${tenantId}\u0000${kind}\u0000${subject}`
}
