// A password change by its owner: the current password is checked (a wrong one counts toward lockout
// like a failed login), the new one hashed outside the transaction, then in one transaction the hash
// is replaced, the failure count reset, every other session of the user ended with its access tokens,
// and `password.changed` recorded.
import { lockedUntil, recordFailure, tenantConfig, type LoginContext } from './account-login.js'
import {
  AccountDisabledError,
  AccountLockedError,
  NotFoundError,
  type TokenError,
} from './errors.js'
import { endSessions, type EndedSessions } from './user-sessions.js'

/** A password change by the user, who proves the current password. */
export interface ChangePasswordInput {
  tenantId: string
  userId: string
  currentPassword: string
  newPassword: string
  /** The session making the change: it stays; every other session of the user ends. */
  keepSessionId?: string
  ip?: string | null
  userAgent?: string | null
}

/**
 * Changes a password; see {@link Accounts.changePassword}.
 *
 * @param ctx storage, clock and hasher
 * @param input the user, both passwords and the session to keep
 */
export async function changePassword(
  ctx: LoginContext,
  input: ChangePasswordInput,
): Promise<EndedSessions> {
  const { tenantId, userId, keepSessionId } = input
  ctx.passwords.checkPolicy(input.newPassword)
  const config = await tenantConfig(ctx.storage, tenantId)
  const found = await ctx.storage.users.get(tenantId, userId)
  if (found === undefined) throw new NotFoundError('no such user')
  const ok = await ctx.passwords.verify(found.passwordHash, input.currentPassword)
  const newHash = ok ? await ctx.passwords.hash(input.newPassword) : undefined
  const outcome = await ctx.storage.transaction(
    async (stores): Promise<EndedSessions | { error: TokenError; locked?: boolean }> => {
      const now = ctx.clock()
      const user = await stores.users.getForUpdate(tenantId, userId)
      if (user === undefined) throw new NotFoundError('no such user')
      const origin = {
        tenantId,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        time: now,
      }
      const locked = lockedUntil(user, now)
      if (locked !== undefined) return { error: new AccountLockedError(new Date(locked)) }
      if (newHash === undefined || user.passwordHash !== found.passwordHash) {
        const error = await recordFailure(stores, user, config, origin, 'bad_current_password')
        return { error, locked: error instanceof AccountLockedError }
      }
      if (user.disabled) return { error: new AccountDisabledError('the account is disabled') }
      const changed = { passwordHash: newHash, passwordChangedAt: now, updatedAt: now }
      await stores.users.update({ ...user, ...changed, failedAttempts: 0, lockedUntil: null })
      const reason = 'password_changed'
      const ended = await endSessions(stores, { user, config, now, reason, keep: keepSessionId })
      await stores.audit.append({
        ...origin,
        type: 'password.changed',
        severity: 'notice',
        actor: userId,
        userId,
        sessionId: keepSessionId ?? null,
        details: { sessionsEnded: ended.sessionIds.length },
      })
      return ended
    },
  )
  if ('error' in outcome) {
    if (outcome.locked === true) ctx.metrics.increment('lockouts')
    throw outcome.error
  }
  return outcome
}
