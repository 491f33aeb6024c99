// Records as the API shows them: snake_case fields and ISO 8601 times. Secrets never appear (a User
// has no password hash; an API key view has no hash).
import type { ApiKey, SessionRecord, StoredAuditEvent, TokenPair, User } from '@tessera/tokens'

/**
 * An ISO 8601 time from milliseconds since the epoch; null stays null.
 *
 * @param ms - the time
 * @example
 * ```ts
 * iso(0) // '1970-01-01T00:00:00.000Z'
 * ```
 */
export function iso<T extends number | null>(ms: T): T extends number ? string : string | null {
  return (ms === null ? null : new Date(ms).toISOString()) as T extends number
    ? string
    : string | null
}

/**
 * A token response (RFC 6749 §5.1) from a token pair.
 *
 * @param pair - what login or refresh returned
 * @param now - the current time, ms
 * @example
 * ```ts
 * return tokenView(await tokens.login(input), clock())
 * ```
 */
export function tokenView(pair: TokenPair, now: number) {
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer' as const,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    refresh_token_expires_in: Math.max(0, Math.floor((pair.refreshExpiresAt - now) / 1000)),
    scope: pair.claims.scope,
    session_id: pair.session.id,
  }
}

/**
 * A session, marked `current` when it is the caller's.
 *
 * @param session - the stored session
 * @param currentId - the caller's session id
 * @example
 * ```ts
 * sessions.map((s) => sessionView(s, claims.sid))
 * ```
 */
export function sessionView(session: SessionRecord, currentId?: string) {
  return {
    id: session.id,
    client_id: session.clientId,
    device: session.device,
    user_agent: session.userAgent,
    first_ip: session.firstIp,
    last_ip: session.lastIp,
    created_at: iso(session.createdAt),
    last_used_at: iso(session.lastUsedAt),
    expires_at: iso(session.expiresAt),
    revoked_at: iso(session.revokedAt),
    revoked_reason: session.revokedReason,
    current: session.id === currentId,
  }
}

/**
 * An audit event.
 *
 * @param event - the stored event
 * @example
 * ```ts
 * page.events.map(auditView)
 * ```
 */
export function auditView(event: StoredAuditEvent) {
  return {
    id: event.id,
    seq: event.seq,
    time: iso(event.time),
    type: event.type,
    severity: event.severity,
    actor: event.actor,
    user_id: event.userId,
    session_id: event.sessionId,
    jti: event.jti,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
    prev_hash: event.prevHash,
    hash: event.hash,
  }
}

/**
 * A user, without the password hash.
 *
 * @param user - the user
 * @example
 * ```ts
 * return userView(await accounts.createUser(input))
 * ```
 */
export function userView(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    roles: user.roles,
    scopes: user.scopes,
    disabled: user.disabled,
    failed_attempts: user.failedAttempts,
    locked_until: iso(user.lockedUntil),
    password_changed_at: iso(user.passwordChangedAt),
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  }
}

/**
 * An API key, without its hash (the secret is shown once, at creation, by the route).
 *
 * @param apiKey - the key
 * @example
 * ```ts
 * (await apiKeys.list(tenantId)).map(apiKeyView)
 * ```
 */
export function apiKeyView(apiKey: ApiKey) {
  return {
    id: apiKey.id,
    name: apiKey.name,
    scopes: apiKey.scopes,
    created_at: iso(apiKey.createdAt),
    expires_at: iso(apiKey.expiresAt),
    last_used_at: iso(apiKey.lastUsedAt),
    revoked_at: iso(apiKey.revokedAt),
  }
}

/**
 * Milliseconds since the epoch from an ISO 8601 time in a query, or undefined.
 *
 * @param text - the time, already checked by the schema's `date-time` format
 * @example
 * ```ts
 * parseTime('2024-01-01T00:00:00Z') // 1704067200000
 * ```
 */
export function parseTime(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Date.parse(text)
}
