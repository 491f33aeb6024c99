// Ending a user's sessions together with the access tokens they issued. Refresh tokens die with their
// session; access tokens are revoked by one revocation per ended session, and, when every session
// ends, also by a per-user cut-off (a cut-off alone would also revoke a kept session's tokens). The
// per-session entries matter even with the cut-off: a login or refresh that committed just before
// the sessions were ended signs its token a moment later, with an `iat` past the cut-off, and only
// its session's entry refuses it. Each revocation lasts one access-token lifetime, after which
// every token it covers has expired anyway.
import { revocationExpiry } from './revocation-set.js'
import type { Stores } from './stores/interfaces.js'
import type { RevocationRecord, TenantConfig, UserRecord } from './stores/records.js'

/** Which sessions to end, and why. */
export interface EndSessionsInput {
  user: UserRecord
  /** The tenant's configuration, for the access-token lifetime. */
  config: TenantConfig
  now: number
  /** Recorded on each session, e.g. `password_changed`. */
  reason: string
  /** A session of this user that stays. */
  keep?: string | undefined
}

/** The sessions ended and the revocations written. */
export interface EndedSessions {
  sessionIds: string[]
  revocations: RevocationRecord[]
}

/**
 * Ends a user's active sessions (all, or all but `keep`) and revokes their access tokens, in the
 * caller's transaction.
 *
 * @param stores the stores of the caller's transaction
 * @param input the user, tenant config, time, reason and the session to keep
 * @example
 * ```ts
 * await storage.transaction((stores) =>
 *   endSessions(stores, { user, config, now: Date.now(), reason: 'user_disabled' }),
 * )
 * ```
 */
export async function endSessions(stores: Stores, input: EndSessionsInput): Promise<EndedSessions> {
  const { user, config, now, reason, keep } = input
  const tenantId = user.tenantId
  const sessionIds = await stores.sessions.revokeAllForUser(tenantId, user.id, now, reason, keep)
  const expiresAt = revocationExpiry(now, config.accessTokenTtl)
  const revocations = endedSessionRevocations(tenantId, sessionIds, now, expiresAt)
  if (keep === undefined) {
    revocations.push({ tenantId, kind: 'user', subject: user.id, cutoff: now, expiresAt })
  }
  for (const revocation of revocations) await stores.revocations.put(revocation)
  return { sessionIds, revocations }
}

/** One revocation per ended session, so that its access tokens are refused whatever their `iat`. */
export function endedSessionRevocations(
  tenantId: string,
  sessionIds: readonly string[],
  cutoff: number,
  expiresAt: number,
): RevocationRecord[] {
  return sessionIds.map((id) => ({ tenantId, kind: 'session', subject: id, cutoff, expiresAt }))
}
