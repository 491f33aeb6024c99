// Refresh rotation with reuse detection, as one step inside a store transaction. The conditional
// consume is the race: of any number of concurrent refreshes of one token exactly one rotates; the
// others find it consumed and, within the grace window, get the same successor back (a retry, not
// theft), so the chain never forks and several tabs raise no false alarm. Outside the window a
// consumed token is reuse: the whole family is revoked.
import { randomUUID } from 'node:crypto'
import type { Storage, Stores } from './stores/interfaces.js'
import type {
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  TenantConfig,
  UserRecord,
} from './stores/records.js'
import { hashToken, newRefreshToken, openSuccessor, sealSuccessor } from './refresh-tokens.js'
import { keptOrigin, MAX_IP, MAX_USER_AGENT } from './client-origin.js'
import { isApiKeyIdShape } from './api-keys.js'

/** Where the request came from. */
export interface RequestContext {
  ip?: string | null
  userAgent?: string | null
}

/**
 * Who asks for a rotation. RFC 6749 §6: a refresh token issued to a confidential client (a session
 * whose `clientId` is one of the tenant's API keys) is refreshed only by that client,
 * authenticated; and a client that authenticated refreshes only its own sessions. Any other
 * session (a public client's, a first-party login's) refreshes without client authentication.
 */
export interface RefreshClient {
  /** The API key id the request authenticated as; absent when it authenticated no client. */
  authenticatedClient?: string
}

/** What one rotation attempt found. */
export type RotationOutcome =
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'revoked' }
  | { kind: 'reuse'; session: SessionRecord; revocation: RevocationRecord }
  | { kind: 'rotated' | 'retry'; session: SessionRecord; user: UserRecord; successor: string }

/**
 * The common case of a rotation in one step, where the storage offers it (Storage.rotateFresh):
 * a fresh token of a live session rotated, or undefined when the storage has no such step or the
 * case is not the common one. Then the caller runs {@link rotate} in a transaction, which tells
 * the other cases apart.
 */
export async function rotateFresh(
  storage: Storage,
  tenantId: string,
  config: TenantConfig,
  presented: string,
  now: number,
  context: RequestContext & RefreshClient,
): Promise<RotationOutcome | undefined> {
  if (storage.rotateFresh === undefined) return undefined
  const successor = newRefreshToken()
  const rotated = await storage.rotateFresh({
    tenantId,
    hash: hashToken(presented),
    now,
    successorHash: hashToken(successor),
    sealedSuccessor: sealSuccessor(presented, successor),
    idleTtlMs: config.refreshIdleTtl * 1000,
    ip: keptOrigin(context.ip, MAX_IP),
    userAgent: keptOrigin(context.userAgent, MAX_USER_AGENT),
    eventId: randomUUID(),
    authenticatedClient: context.authenticatedClient ?? null,
  })
  return rotated && { kind: 'rotated', ...rotated, successor }
}

/**
 * Rotates `presented` inside the transaction `tx`. `known` is the token's record if the caller has
 * just read it (for the per-session rate limit): while unconsumed it spares reading it again, as the
 * conditional consume below still decides the race; a consumed one is read again here.
 */
export async function rotate(
  tx: Stores,
  tenantId: string,
  config: TenantConfig,
  presented: string,
  now: number,
  context: RequestContext & RefreshClient,
  known?: RefreshTokenRecord,
): Promise<RotationOutcome> {
  const hash = hashToken(presented)
  let record =
    known !== undefined && known.consumedAt === null && known.hash === hash
      ? known
      : await tx.sessions.findRefreshToken(tenantId, hash)
  if (record === undefined) return { kind: 'unknown' }
  const session = await tx.sessions.get(tenantId, record.sessionId)
  // Before anything else, a token shown by the wrong client changes nothing, reuse alarm included.
  if (session !== undefined && !(await clientMayRefresh(tx, session, context))) {
    return { kind: 'unknown' }
  }
  if (session === undefined || session.revokedAt !== null) return { kind: 'revoked' }
  if (now >= session.expiresAt) return { kind: 'expired' }
  const user = await tx.users.get(tenantId, session.userId)
  if (user === undefined || user.disabled) return { kind: 'revoked' }

  if (record.consumedAt === null) {
    if (now >= record.expiresAt) return { kind: 'expired' }
    const successor = newRefreshToken()
    const successorHash = hashToken(successor)
    const sealed = sealSuccessor(presented, successor)
    const won = await tx.sessions.consumeRefreshToken(tenantId, hash, now, successorHash, sealed)
    if (won) {
      await tx.sessions.addRefreshToken({
        hash: successorHash,
        tenantId,
        sessionId: session.id,
        createdAt: now,
        expiresAt: Math.min(now + config.refreshIdleTtl * 1000, session.expiresAt),
        consumedAt: null,
        successorHash: null,
        sealedSuccessor: null,
      })
      await tx.sessions.touch(tenantId, session.id, now, keptOrigin(context.ip, MAX_IP))
      await tx.audit.append({
        tenantId,
        type: 'token.refreshed',
        severity: 'info',
        actor: user.id,
        userId: user.id,
        sessionId: session.id,
        ip: keptOrigin(context.ip, MAX_IP),
        userAgent: keptOrigin(context.userAgent, MAX_USER_AGENT),
        time: now,
      })
      return { kind: 'rotated', session, user, successor }
    }
    // Another instance consumed it between our read and our update: read what it left.
    record = await tx.sessions.findRefreshToken(tenantId, hash)
    if (record === undefined || record.consumedAt === null) return { kind: 'unknown' }
  }

  const withinGrace = now - record.consumedAt <= config.reuseGraceSeconds * 1000
  const successor =
    withinGrace && record.sealedSuccessor !== null
      ? openSuccessor(presented, record.sealedSuccessor, record.successorHash)
      : undefined
  if (successor !== undefined) {
    await tx.audit.append({
      tenantId,
      type: 'token.refreshed',
      severity: 'info',
      actor: user.id,
      userId: user.id,
      sessionId: session.id,
      ip: keptOrigin(context.ip, MAX_IP),
      userAgent: keptOrigin(context.userAgent, MAX_USER_AGENT),
      details: { retry: true },
      time: now,
    })
    return { kind: 'retry', session, user, successor }
  }
  return {
    kind: 'reuse',
    session,
    revocation: await revokeFamily(tx, session, config, now, context),
  }
}

/** Revokes a family after reuse: the session, its access tokens, and a critical audit event. */
async function revokeFamily(
  tx: Stores,
  session: SessionRecord,
  config: TenantConfig,
  now: number,
  context: RequestContext,
): Promise<RevocationRecord> {
  await tx.sessions.revoke(session.tenantId, session.id, now, 'refresh token reuse')
  const revocation: RevocationRecord = {
    tenantId: session.tenantId,
    kind: 'session',
    subject: session.id,
    cutoff: now,
    expiresAt: now + config.accessTokenTtl * 1000,
  }
  await tx.revocations.put(revocation)
  const common = {
    tenantId: session.tenantId,
    actor: 'system',
    userId: session.userId,
    sessionId: session.id,
    ip: keptOrigin(context.ip, MAX_IP),
    userAgent: keptOrigin(context.userAgent, MAX_USER_AGENT),
    time: now,
  }
  await tx.audit.append({ ...common, type: 'refresh.reuse_detected', severity: 'critical' })
  await tx.audit.append({
    ...common,
    type: 'session.revoked',
    severity: 'warning',
    details: { reason: 'refresh token reuse' },
  })
  return revocation
}

/** Whether the request's client may refresh this session's tokens; see {@link RefreshClient}. */
async function clientMayRefresh(
  tx: Stores,
  session: SessionRecord,
  { authenticatedClient }: RefreshClient,
): Promise<boolean> {
  if (authenticatedClient !== undefined) return session.clientId === authenticatedClient
  // A first-party or public client's id ('tessera', say) cannot be an API key's: no read needed.
  if (!isApiKeyIdShape(session.clientId)) return true
  return (await tx.apiKeys.get(session.tenantId, session.clientId)) === undefined
}
