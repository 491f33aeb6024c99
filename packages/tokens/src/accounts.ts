// Users per tenant: create, read, roles and scopes, disable, delete, unlock, change password, and
// login. Every change commits together with the audit event that records it; ending sessions also
// revokes their access tokens (see user-sessions.ts).
import {
  authenticate,
  tenantConfig,
  type LoginContext,
  type LoginInput,
  type OnAuthenticated,
} from './account-login.js'
import type { AuditContext, AuditEventType, AuditSeverity } from './audit/events.js'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js'
import { requireObject, requireString } from './inputs.js'
import { noMetrics, type TokenMetrics } from './metrics.js'
import { changePassword, type ChangePasswordInput } from './password-change.js'
import { Passwords, type PasswordHasher } from './passwords.js'
import type { RateLimits } from './rate-limits.js'
import type { Storage, Stores } from './stores/interfaces.js'
import type { RevocationRecord, UserRecord } from './stores/records.js'
import {
  checkNames,
  checkNewUser,
  newUser,
  normalizeLogin,
  toUser,
  type CreateUserInput,
  type User,
} from './user-fields.js'
import { endSessions } from './user-sessions.js'

/** Options for {@link Accounts}. */
export interface AccountsOptions {
  storage: Storage
  /** Milliseconds since the epoch; `Date.now` by default. */
  clock?: () => number
  /** The password hasher; argon2id with OWASP parameters by default. */
  passwords?: PasswordHasher
  /**
   * When given, login spends `loginPerIp` (by IP) and `loginPerAccount` (by account, see
   * accountLimitKey) before any hashing.
   */
  rateLimits?: RateLimits
  /** Told about every revocation written, after commit, to keep a local revocation set in step. */
  onRevoked?: (revocations: readonly RevocationRecord[]) => void
  /** Counts `logins_failed` (by reason), `lockouts` and login `rate_limited`; none by default. */
  metrics?: TokenMetrics
}

export type { AuditContext } from './audit/events.js'

/**
 * Users of every tenant: passwords, lockout, roles and scopes, sessions ended on disable, delete
 * and password change.
 *
 * @example
 * ```ts
 * const accounts = new Accounts({ storage })
 * await accounts.createUser({ tenantId, username: 'alice', password: 'correct horse battery' })
 * const user = await accounts.authenticate({ tenantId, login: 'Alice', password: 'correct horse battery' })
 * ```
 */
export class Accounts {
  readonly #ctx: LoginContext
  readonly #onRevoked: ((revocations: readonly RevocationRecord[]) => void) | undefined

  /** @param options storage, and optionally clock, hasher, rate limits and revocation listener */
  constructor(options: AccountsOptions) {
    const { storage, clock = Date.now, passwords = new Passwords(), rateLimits } = options
    this.#ctx = { storage, clock, passwords, rateLimits, metrics: options.metrics ?? noMetrics }
    this.#onRevoked = options.onRevoked
    // Compute the dummy hash now, so the first unknown user costs no more than the next one.
    passwords.dummyHash().catch(() => undefined)
  }

  /** Creates a user; ConflictError when the username or email is taken in the tenant. */
  async createUser(input: CreateUserInput, context: AuditContext = {}): Promise<User> {
    const fields = checkNewUser(input)
    await tenantConfig(this.#ctx.storage, input.tenantId)
    const passwordHash = await this.#ctx.passwords.hash(input.password)
    return this.#ctx.storage.transaction(async (stores) => {
      const { tenantId, username, email } = fields
      // A login matches a username or an email, so each must be free in both columns. No unique
      // index spans the two: the tenant's row, locked until commit, makes creations in one tenant
      // take turns, so that two users created at once cannot both take one login.
      if ((await stores.tenants.getForUpdate(tenantId)) === undefined) {
        throw new NotFoundError('no such tenant')
      }
      if (await stores.users.findByLogin(tenantId, username)) {
        throw new ConflictError('the username is taken in this tenant')
      }
      if (email !== null && (await stores.users.findByLogin(tenantId, email))) {
        throw new ConflictError('the email is taken in this tenant')
      }
      const user = newUser(fields, passwordHash, this.#ctx.clock())
      await stores.users.create(user)
      const { roles, scopes } = user
      await this.#audit(stores, user, 'user.created', 'info', context, { username, roles, scopes })
      return toUser(user)
    })
  }

  /** A user by id, or undefined (also for a user of another tenant). */
  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    requireString(tenantId, 'tenantId')
    requireString(userId, 'userId')
    const user = await this.#ctx.storage.users.get(tenantId, userId)
    return user && toUser(user)
  }

  /** A user by username or email, any case, or undefined. */
  async findUser(tenantId: string, login: string): Promise<User | undefined> {
    requireString(tenantId, 'tenantId')
    requireString(login, 'login')
    const user = await this.#ctx.storage.users.findByLogin(tenantId, normalizeLogin(login))
    return user && toUser(user)
  }

  /** Every user of a tenant, by username. */
  async listUsers(tenantId: string): Promise<User[]> {
    return (await this.#ctx.storage.users.list(tenantId)).map(toUser)
  }

  /** Replaces a user's roles (they reach access tokens at the next refresh). */
  async updateRoles(
    tenantId: string,
    userId: string,
    roles: string[],
    context: AuditContext = {},
  ): Promise<User> {
    const checked = checkNames(roles, 'roles')
    return this.#update(tenantId, userId, context, (user) => ({ ...user, roles: checked }))
  }

  /** Replaces a user's scopes (they reach access tokens at the next refresh). */
  async updateScopes(
    tenantId: string,
    userId: string,
    scopes: string[],
    context: AuditContext = {},
  ): Promise<User> {
    const checked = checkNames(scopes, 'scopes')
    return this.#update(tenantId, userId, context, (user) => ({ ...user, scopes: checked }))
  }

  /** Disables (ending every session and revoking every token) or enables a user. */
  async setDisabled(
    tenantId: string,
    userId: string,
    disabled: boolean,
    context: AuditContext = {},
  ): Promise<User> {
    if (typeof disabled !== 'boolean') throw new InvalidInputError('disabled must be true or false')
    const config = await tenantConfig(this.#ctx.storage, tenantId)
    const { user, revocations } = await this.#change(
      tenantId,
      userId,
      async (stores, user, now) => {
        if (user.disabled === disabled) return { user, revocations: [] }
        const updated = { ...user, disabled, updatedAt: now }
        await stores.users.update(updated)
        const ended = disabled
          ? await endSessions(stores, { user, config, now, reason: 'user_disabled' })
          : { sessionIds: [], revocations: [] }
        const type = disabled ? 'user.disabled' : 'user.enabled'
        await this.#audit(stores, user, type, 'notice', context, {
          sessionsEnded: ended.sessionIds.length,
        })
        return { user: updated, revocations: ended.revocations }
      },
    )
    this.#revoked(revocations)
    return toUser(user)
  }

  /** Deletes a user, ending every session and revoking every token. */
  async deleteUser(tenantId: string, userId: string, context: AuditContext = {}): Promise<void> {
    const config = await tenantConfig(this.#ctx.storage, tenantId)
    const { revocations } = await this.#change(tenantId, userId, async (stores, user, now) => {
      const ended = await endSessions(stores, { user, config, now, reason: 'user_deleted' })
      await stores.users.delete(tenantId, userId)
      const details = { username: user.username, sessionsEnded: ended.sessionIds.length }
      await this.#audit(stores, user, 'user.deleted', 'notice', context, details)
      return ended
    })
    this.#revoked(revocations)
  }

  /** Lifts a lockout and clears the failure count. */
  unlock(tenantId: string, userId: string, context: AuditContext = {}): Promise<User> {
    const unlocked = (user: UserRecord) => ({ ...user, failedAttempts: 0, lockedUntil: null })
    return this.#update(tenantId, userId, context, unlocked, 'account.unlocked')
  }

  /**
   * Changes a password after checking the current one (a wrong one counts toward lockout), resets
   * the failure count, and ends every other session of the user (all of them when no
   * `keepSessionId` is given); returns the ids of the sessions ended.
   */
  async changePassword(input: ChangePasswordInput): Promise<string[]> {
    requireObject(input, 'the password change')
    const ended = await changePassword(this.#ctx, input)
    this.#revoked(ended.revocations)
    return ended.sessionIds
  }

  /**
   * Checks a login (username or email, any case) and returns the user. Wrong password and unknown
   * user both throw InvalidCredentialsError after one argon2 verification each; a locked account
   * throws AccountLockedError whether or not the password was right; a disabled one throws
   * AccountDisabledError only after a right password. Spends the rate limits first when configured.
   *
   * @param onAuthenticated - work that commits in the transaction that records a successful
   *   attempt, or not at all (TokenService opens the session there)
   */
  authenticate(input: LoginInput, onAuthenticated?: OnAuthenticated): Promise<UserRecord> {
    return authenticate(this.#ctx, input, onAuthenticated)
  }

  async #update(
    tenantId: string,
    userId: string,
    context: AuditContext,
    edit: (user: UserRecord) => UserRecord,
    type: 'user.updated' | 'account.unlocked' = 'user.updated',
  ): Promise<User> {
    return this.#change(tenantId, userId, async (stores, user, now) => {
      const updated = { ...edit(user), updatedAt: now }
      await stores.users.update(updated)
      const details =
        type === 'user.updated' ? { roles: updated.roles, scopes: updated.scopes } : {}
      await this.#audit(stores, user, type, 'notice', context, details)
      return toUser(updated)
    })
  }

  #change<T>(
    tenantId: string,
    userId: string,
    fn: (stores: Stores, user: UserRecord, now: number) => Promise<T>,
  ): Promise<T> {
    return this.#ctx.storage.transaction(async (stores) => {
      const user = await stores.users.getForUpdate(tenantId, userId)
      if (user === undefined) throw new NotFoundError('no such user')
      return fn(stores, user, this.#ctx.clock())
    })
  }

  async #audit(
    stores: Stores,
    user: UserRecord,
    type: AuditEventType,
    severity: AuditSeverity,
    context: AuditContext,
    details: Record<string, unknown>,
  ): Promise<void> {
    const { actor = null, ip = null, userAgent = null } = context
    const time = this.#ctx.clock()
    const event = { tenantId: user.tenantId, userId: user.id, actor, ip, userAgent, time, details }
    await stores.audit.append({ ...event, type, severity })
  }

  #revoked(revocations: readonly RevocationRecord[]): void {
    if (revocations.length > 0) this.#onRevoked?.(revocations)
  }
}
