// Login as a list of small steps: rate limits, one argon2 verification whatever happens (against the
// user's hash, or the dummy hash when there is no such user), then one transaction that settles the
// attempt (lock, failure count, disabled, success and rehash) together with its audit events, and,
// on success, whatever the caller adds (TokenService opens the session there). The transaction
// returns the error rather than throwing it, so that the count and the events commit.
import {
  AccountDisabledError,
  AccountLockedError,
  InvalidCredentialsError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  type TokenError,
} from './errors.js'
import { requireObject } from './inputs.js'
import type { TokenMetrics } from './metrics.js'
import type { PasswordHasher } from './passwords.js'
import type { RateLimits } from './rate-limits.js'
import type { Storage, Stores } from './stores/interfaces.js'
import type { TenantConfig, UserRecord } from './stores/records.js'
import { normalizeLogin } from './user-fields.js'

/** What a login presents. */
export interface LoginInput {
  tenantId: string
  /** Username or email, any case. */
  login: string
  password: string
  ip?: string | null
  userAgent?: string | null
}

/** What the login steps work with. */
export interface LoginContext {
  storage: Storage
  clock: () => number
  passwords: PasswordHasher
  rateLimits?: RateLimits | undefined
  metrics: TokenMetrics
}

/** Where an attempt comes from, as audit events record it. */
export interface AttemptOrigin {
  tenantId: string
  ip: string | null
  userAgent: string | null
  time: number
}

// A refusal carries its reason (as the `login.failed` event records it) and whether it locked the
// account, so that metrics count them once the transaction has committed.
type Settled = { user: UserRecord } | { error: TokenError; reason: string; locked?: boolean }

/**
 * Work to commit with a successful attempt, in its transaction: `user` is the user as the attempt
 * left it, `time` the attempt's time. If it throws, nothing of the attempt commits.
 */
export type OnAuthenticated = (stores: Stores, user: UserRecord, time: number) => Promise<void>

/** The one message for a wrong password and an unknown user alike. */
export const INVALID_CREDENTIALS = 'invalid username or password'

/**
 * Checks a login and returns the user; see {@link Accounts.authenticate}.
 *
 * @param ctx storage, clock, hasher and optional rate limits
 * @param input the attempt
 * @param onAuthenticated work to commit in the same transaction as a successful attempt
 */
export async function authenticate(
  ctx: LoginContext,
  input: LoginInput,
  onAuthenticated?: OnAuthenticated,
): Promise<UserRecord> {
  requireObject(input, 'the login')
  const { tenantId, password } = input
  if (typeof tenantId !== 'string' || typeof input.login !== 'string') {
    throw new InvalidInputError('tenantId and login must be strings')
  }
  if (typeof password !== 'string') throw new InvalidCredentialsError(INVALID_CREDENTIALS)
  const login = normalizeLogin(input.login)
  const ip = input.ip ?? null
  const userAgent = input.userAgent ?? null
  if (ctx.rateLimits !== undefined && ip !== null) {
    await spendLimit(ctx, 'loginPerIp', tenantId, ip, { ip, userAgent })
  }
  const config = await tenantConfig(ctx.storage, tenantId)
  const found = await ctx.storage.users.findByLogin(tenantId, login)
  // One budget per account, whichever of its username and email is typed; per typed login for
  // an unknown one. Still before any hashing.
  if (ctx.rateLimits !== undefined) {
    const key = accountLimitKey(found?.id, login)
    await spendLimit(ctx, 'loginPerAccount', tenantId, key, { ip, userAgent })
  }
  // Exactly one verification on every path, so an unknown user costs what a known one does.
  const hash = found?.passwordHash ?? (await ctx.passwords.dummyHash())
  const ok = await ctx.passwords.verify(hash, password)
  const rehash =
    ok && found !== undefined && lockedUntil(found, ctx.clock()) === undefined
      ? await rehashFor(ctx.passwords, found, password)
      : undefined
  const settled = await ctx.storage.transaction(async (stores): Promise<Settled> => {
    const origin = { tenantId, ip, userAgent, time: ctx.clock() }
    const user = found && (await stores.users.getForUpdate(tenantId, found.id))
    if (user === undefined) {
      await failed(stores, origin, null, 'unknown_user')
      return { error: new InvalidCredentialsError(INVALID_CREDENTIALS), reason: 'unknown_user' }
    }
    const locked = lockedUntil(user, origin.time)
    if (locked !== undefined) {
      await failed(stores, origin, user.id, 'locked')
      return { error: new AccountLockedError(new Date(locked)), reason: 'locked' }
    }
    // A password changed since it was read makes the verification stale: a plain failure.
    if (!ok || user.passwordHash !== found!.passwordHash) {
      const error = await recordFailure(stores, user, config, origin)
      return { error, reason: 'bad_password', locked: error instanceof AccountLockedError }
    }
    if (user.disabled) {
      await failed(stores, origin, user.id, 'disabled')
      return { error: new AccountDisabledError('the account is disabled'), reason: 'disabled' }
    }
    const signedIn = await succeeded(stores, user, origin, rehash)
    await onAuthenticated?.(stores, signedIn, origin.time)
    return { user: signedIn }
  })
  if ('error' in settled) {
    ctx.metrics.increment('logins_failed', { reason: settled.reason })
    if (settled.locked === true) ctx.metrics.increment('lockouts')
    throw settled.error
  }
  return settled.user
}

/**
 * The key of the `loginPerAccount` rate limit: the account's, whichever of its username and email
 * is typed, or the typed login's when there is no such account. Resetting an account's limit (an
 * admin unlock) resets this key.
 *
 * @example
 * ```ts
 * await rateLimits.reset('loginPerAccount', tenantId, accountLimitKey(user.id))
 * ```
 */
export function accountLimitKey(userId: string | undefined, login = ''): string {
  return userId === undefined ? `login:${login}` : `user:${userId}`
}

/** Spends one point of a login rate limit; counts a refusal in the metrics and throws it. */
async function spendLimit(
  ctx: LoginContext,
  profile: 'loginPerIp' | 'loginPerAccount',
  tenantId: string,
  key: string,
  origin: { ip: string | null; userAgent: string | null },
): Promise<void> {
  try {
    await ctx.rateLimits!.consume(profile, tenantId, key, origin)
  } catch (err) {
    if (err instanceof RateLimitedError) ctx.metrics.increment('rate_limited', { profile })
    throw err
  }
}

/**
 * Counts a failed attempt and locks the account when it reaches `maxLoginAttempts`; returns the
 * error to throw. A lock that has run out starts the count again.
 */
export async function recordFailure(
  stores: Stores,
  user: UserRecord,
  config: TenantConfig,
  origin: AttemptOrigin,
  reason = 'bad_password',
): Promise<TokenError> {
  const now = origin.time
  const expired = user.lockedUntil !== null && user.lockedUntil <= now
  const failedAttempts = (expired ? 0 : user.failedAttempts) + 1
  const lock = failedAttempts >= config.maxLoginAttempts
  const until = lock ? now + config.lockoutMinutes * 60_000 : null
  await stores.users.update({ ...user, failedAttempts, lockedUntil: until, updatedAt: now })
  await failed(stores, origin, user.id, reason, { failedAttempts })
  if (until === null) return new InvalidCredentialsError(INVALID_CREDENTIALS)
  await stores.audit.append({
    ...origin,
    type: 'account.locked',
    severity: 'warning',
    actor: 'system',
    userId: user.id,
    details: { failedAttempts, lockedUntil: until },
  })
  return new AccountLockedError(new Date(until))
}

/** When the account's lock ends, or undefined when it is not locked at `now`. */
export function lockedUntil(user: UserRecord, now: number): number | undefined {
  return user.lockedUntil !== null && user.lockedUntil > now ? user.lockedUntil : undefined
}

/**
 * A tenant's configuration; NotFoundError when there is no such tenant.
 *
 * @param stores where tenants are
 * @param tenantId the tenant
 */
export async function tenantConfig(stores: Stores, tenantId: string): Promise<TenantConfig> {
  const tenant = await stores.tenants.get(tenantId)
  if (tenant === undefined) throw new NotFoundError('no such tenant')
  return tenant.config
}

async function succeeded(
  stores: Stores,
  user: UserRecord,
  origin: AttemptOrigin,
  rehash: string | undefined,
): Promise<UserRecord> {
  const dirty = user.failedAttempts !== 0 || user.lockedUntil !== null || rehash !== undefined
  const updated: UserRecord = dirty
    ? { ...user, passwordHash: rehash ?? user.passwordHash, failedAttempts: 0, lockedUntil: null }
    : user
  if (dirty) await stores.users.update({ ...updated, updatedAt: origin.time })
  await stores.audit.append({
    ...origin,
    type: 'login.succeeded',
    severity: 'info',
    actor: user.id,
    userId: user.id,
    details: rehash === undefined ? {} : { rehashed: true },
  })
  return dirty ? { ...updated, updatedAt: origin.time } : user
}

async function failed(
  stores: Stores,
  origin: AttemptOrigin,
  userId: string | null,
  reason: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await stores.audit.append({
    ...origin,
    type: 'login.failed',
    severity: 'warning',
    actor: userId,
    userId,
    details: { reason, ...extra },
  })
}

/** A new hash when the stored one has old parameters; none for a password today's policy refuses. */
async function rehashFor(
  passwords: PasswordHasher,
  user: UserRecord,
  password: string,
): Promise<string | undefined> {
  if (user.disabled || !passwords.needsRehash(user.passwordHash)) return undefined
  try {
    return await passwords.hash(password)
  } catch (err) {
    if (err instanceof InvalidInputError) return undefined
    throw err
  }
}
