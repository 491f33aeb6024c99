// The token lifecycle: login, refresh with rotation, validation, revocation, sessions. Each flow is
// a few named steps; every state change commits with its audit event in one transaction.
import { randomUUID } from 'node:crypto'
import { AccessTokens, type AccessTokenClaims } from './access-tokens.js'
import type { OnAuthenticated } from './account-login.js'
import { apiKeySessionId, type ApiKey } from './api-keys.js'
import {
  InvalidInputError,
  InvalidTokenError,
  NotFoundError,
  RateLimitedError,
  StoreUnavailableError,
  TokenExpiredError,
  TokenReuseError,
  TokenRevokedError,
} from './errors.js'
import { noMetrics, type TokenMetrics } from './metrics.js'
import type { RateLimits } from './rate-limits.js'
import { hashToken, isRefreshTokenShape, newRefreshToken } from './refresh-tokens.js'
import { RevocationSet, revocationExpiry } from './revocation-set.js'
import { rotate, rotateFresh, type RefreshClient, type RequestContext } from './rotation.js'
import type { SigningKeys } from './signing-keys.js'
import type { Storage, Stores } from './stores/interfaces.js'
import type {
  RefreshTokenRecord,
  RevocationRecord,
  SessionRecord,
  TenantConfig,
  UserRecord,
} from './stores/records.js'
import type { Tenants } from './tenants.js'
import { endedSessionRevocations } from './user-sessions.js'
import { keptOrigin, MAX_IP, MAX_USER_AGENT } from './client-origin.js'
import { requireObject, requireString } from './inputs.js'

/** Checks a username and password; `Accounts` is the implementation. */
export interface Authenticator {
  /**
   * Returns the user whose password this is, or throws. An implementation that records attempts
   * in the store should run `onAuthenticated` in the transaction that records a success, so that
   * the success and the session it opens commit together; one that does not call it gets the
   * session opened in a transaction of its own.
   */
  authenticate(
    input: {
      tenantId: string
      login: string
      password: string
      ip?: string | null
      userAgent?: string | null
    },
    onAuthenticated?: OnAuthenticated,
  ): Promise<UserRecord>
}

/** What login and refresh return. */
export interface TokenPair {
  accessToken: string
  /** Seconds until the access token expires. */
  expiresIn: number
  refreshToken: string
  /** When the refresh token stops working if unused (ms since the epoch). */
  refreshExpiresAt: number
  session: SessionRecord
  claims: AccessTokenClaims
}

/** Options for {@link TokenService}. */
export interface TokenServiceOptions {
  storage: Storage
  tenants: Tenants
  keys: SigningKeys
  authenticator: Authenticator
  metrics?: TokenMetrics
  /** When given, refresh spends `refreshPerSession` and validate `validatePerClient`. */
  rateLimits?: RateLimits
  /** The current time in milliseconds (for tests). */
  clock?: () => number
  /**
   * Whether the local revocation set is known to be current. Instances that share state pass
   * their sync's state here: while it answers false, validation refuses with StoreUnavailableError
   * (fail closed) rather than trust a set that may miss a revocation. Absent: always current.
   */
  revocationsCurrent?: () => boolean
}

/** A login request. */
export interface LoginInput extends RequestContext {
  tenantId: string
  username: string
  password: string
  /** A label for the device ("Firefox on laptop"). */
  device?: string | null
  clientId?: string
}

/**
 * The token lifecycle over a Storage.
 *
 * @example
 * ```ts
 * const service = new TokenService({ storage, tenants, keys, authenticator: accounts })
 * await service.start()
 * const pair = await service.login({ tenantId, username: 'ada', password, ip })
 * const claims = await service.validate(pair.accessToken, { tenantId })
 * const next = await service.refresh(pair.refreshToken, { tenantId, ip })
 * ```
 */
export class TokenService {
  readonly #storage: Storage
  readonly #tenants: Tenants
  readonly #auth: Authenticator
  readonly #metrics: TokenMetrics
  readonly #limits: RateLimits | undefined
  readonly #clock: () => number
  readonly #access: AccessTokens
  readonly #revoked = new RevocationSet()
  readonly #revocationsCurrent: (() => boolean) | undefined

  constructor(options: TokenServiceOptions) {
    this.#storage = options.storage
    this.#tenants = options.tenants
    this.#auth = options.authenticator
    this.#metrics = options.metrics ?? noMetrics
    this.#limits = options.rateLimits
    this.#clock = options.clock ?? Date.now
    this.#access = new AccessTokens(options.keys, this.#clock)
    this.#revocationsCurrent = options.revocationsCurrent
  }

  /** Loads every revocation in force into memory; call before serving. */
  async start(): Promise<void> {
    this.#revoked.load(await this.#storage.revocations.listActive(this.#clock()))
  }

  /**
   * Adds every revocation the store holds to the local set, keeping what is already there, so a
   * revocation heard while the store is being read is never lost. Instances call this after they
   * (re)subscribe to each other's changes.
   */
  async reloadRevocations(): Promise<void> {
    for (const revocation of await this.#storage.revocations.listActive(this.#clock())) {
      this.#revoked.apply(revocation)
    }
  }

  /** The local revocation set (for instances that share revocations). */
  get revocations(): RevocationSet {
    return this.#revoked
  }

  /**
   * Checks the password, opens a session for this device, and issues the first token pair. The
   * session commits in the transaction that records the successful attempt: a login that fails
   * after the password was accepted leaves neither.
   */
  async login(input: LoginInput): Promise<TokenPair> {
    requireObject(input, 'the login')
    for (const field of ['clientId', 'device'] as const) {
      const value = input[field]
      if (value != null && (typeof value !== 'string' || value.length > 200)) {
        throw new InvalidInputError(`${field} must be a string of at most 200 characters`)
      }
    }
    const started = performance.now()
    const config = await this.#config(input.tenantId)
    const refreshToken = newRefreshToken()
    let opened: { session: SessionRecord; refreshExpiresAt: number; now: number } | undefined
    const open = async (stores: Stores, user: UserRecord, now: number) => {
      const session: SessionRecord = {
        id: randomUUID(),
        tenantId: input.tenantId,
        userId: user.id,
        clientId: input.clientId ?? 'tessera',
        device: input.device ?? null,
        userAgent: keptOrigin(input.userAgent, MAX_USER_AGENT),
        firstIp: keptOrigin(input.ip, MAX_IP),
        lastIp: keptOrigin(input.ip, MAX_IP),
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now + config.sessionAbsoluteTtl * 1000,
        revokedAt: null,
        revokedReason: null,
      }
      const refreshExpiresAt = Math.min(now + config.refreshIdleTtl * 1000, session.expiresAt)
      await stores.sessions.create(session)
      await stores.sessions.addRefreshToken({
        hash: hashToken(refreshToken),
        tenantId: input.tenantId,
        sessionId: session.id,
        createdAt: now,
        expiresAt: refreshExpiresAt,
        consumedAt: null,
        successorHash: null,
        sealedSuccessor: null,
      })
      await stores.audit.append({
        tenantId: input.tenantId,
        type: 'token.issued',
        severity: 'info',
        actor: user.id,
        userId: user.id,
        sessionId: session.id,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        details: { grant: 'password' },
        time: now,
      })
      opened = { session, refreshExpiresAt, now }
    }
    const user = await this.#auth.authenticate(
      {
        tenantId: input.tenantId,
        login: input.username,
        password: input.password,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
      },
      open,
    )
    // An authenticator that does not run `open` with its record of the attempt: a transaction of
    // the session's own.
    if (opened === undefined) {
      await this.#storage.transaction((tx) => open(tx, user, this.#clock()))
    }
    const { session, refreshExpiresAt, now } = opened!
    const pair = await this.#pair(config, user, session, refreshToken, refreshExpiresAt, now)
    this.#metrics.increment('tokens_issued', { grant: 'password' })
    this.#metrics.observe('operation_seconds', (performance.now() - started) / 1000, {
      op: 'login',
    })
    return pair
  }

  /**
   * Rotates a refresh token: the presented one is consumed and a successor issued, atomically. A
   * retry within the grace window returns the same successor; reuse outside it revokes the session.
   * A token of a confidential client's session rotates only for `authenticatedClient` equal to
   * that client (see {@link RefreshClient}); for anyone else it is not valid, and nothing changes.
   */
  async refresh(
    refreshToken: string,
    context: RequestContext & RefreshClient & { tenantId: string },
  ): Promise<TokenPair> {
    const started = performance.now()
    requireObject(context, 'the context')
    if (!isRefreshTokenShape(refreshToken))
      throw this.#fail(new InvalidTokenError('not a refresh token'))
    const config = await this.#config(context.tenantId)
    const known =
      this.#limits === undefined ? undefined : await this.#limitRefresh(refreshToken, context)
    const now = this.#clock()
    // A token the rate limit's read found consumed, or did not find, is never the common case:
    // straight to the full path.
    const maybeFresh = this.#limits === undefined || known?.consumedAt === null
    const outcome =
      (maybeFresh
        ? await rotateFresh(this.#storage, context.tenantId, config, refreshToken, now, context)
        : undefined) ??
      (await this.#storage.transaction((tx) =>
        rotate(tx, context.tenantId, config, refreshToken, now, context, known),
      ))
    switch (outcome.kind) {
      case 'unknown':
        throw this.#fail(new InvalidTokenError('the refresh token is not valid'))
      case 'expired':
        throw this.#fail(new TokenExpiredError('the refresh token has expired'))
      case 'revoked':
        throw this.#fail(new TokenRevokedError('the session has ended'))
      case 'reuse':
        this.#revoked.apply(outcome.revocation)
        this.#metrics.increment('reuse_detected')
        throw this.#fail(
          new TokenReuseError('the refresh token was already used; the session has ended'),
        )
    }
    const expiresAt = Math.min(now + config.refreshIdleTtl * 1000, outcome.session.expiresAt)
    const pair = await this.#pair(
      config,
      outcome.user,
      outcome.session,
      outcome.successor,
      expiresAt,
      now,
    )
    this.#metrics.increment('tokens_refreshed', { retry: String(outcome.kind === 'retry') })
    this.#metrics.observe('operation_seconds', (performance.now() - started) / 1000, {
      op: 'refresh',
    })
    return pair
  }

  /**
   * Issues an access token to a service (the OAuth client_credentials grant): `sub` and
   * `client_id` are the API key's id, `sid` is {@link apiKeySessionId} (so revoking the key revokes
   * its tokens), and `scope` is what was asked for, which must be among the key's scopes (all of
   * them when nothing is asked). No refresh token: a service asks again.
   *
   * @param apiKey - a key that ApiKeys.authenticate has just accepted
   * @param context - the tenant, the requested scopes and where the request came from
   */
  async issueForClient(
    apiKey: ApiKey,
    context: RequestContext & { tenantId: string; scopes?: readonly string[] },
  ): Promise<{ accessToken: string; expiresIn: number; claims: AccessTokenClaims }> {
    requireObject(apiKey, 'the API key')
    requireObject(context, 'the context')
    if (!Array.isArray(apiKey.scopes)) throw new InvalidInputError('the API key has no scopes')
    if (context.scopes !== undefined && !Array.isArray(context.scopes)) {
      throw new InvalidInputError('scopes must be an array of strings')
    }
    const config = await this.#config(context.tenantId)
    if (apiKey.tenantId !== context.tenantId)
      throw new InvalidTokenError('the API key is not valid')
    const scopes = context.scopes ?? apiKey.scopes
    const extra = scopes.filter((scope) => !apiKey.scopes.includes(scope))
    if (extra.length > 0) throw new InvalidInputError("the requested scope exceeds the API key's")
    const now = this.#clock()
    const sessionId = apiKeySessionId(apiKey.id)
    const { token, claims } = await this.#access.issue(config, {
      tenantId: context.tenantId,
      userId: apiKey.id,
      sessionId,
      clientId: apiKey.id,
      scopes,
      roles: [],
      iat: this.#revoked.earliestIat(context.tenantId, apiKey.id, Math.floor(now / 1000)),
    })
    await this.#storage.audit.append({
      tenantId: context.tenantId,
      type: 'token.issued',
      severity: 'info',
      actor: apiKey.id,
      sessionId,
      jti: claims.jti,
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      details: { grant: 'client_credentials' },
      time: now,
    })
    this.#metrics.increment('tokens_issued', { grant: 'client_credentials' })
    return { accessToken: token, expiresIn: config.accessTokenTtl, claims }
  }

  /**
   * Checks an access token: signature, claims, tenant, and revocation. The revocation check is a
   * memory lookup; nothing here touches the store once the tenant's settings and keys are loaded.
   */
  async validate(
    accessToken: string,
    context: { tenantId: string; client?: string },
  ): Promise<AccessTokenClaims> {
    requireObject(context, 'the context')
    // The rate limit is spent first, so that invalid tokens spend it too: before anything else when
    // the tenant is in memory, else once its settings are loaded.
    const limited = this.#limits !== undefined && context.client !== undefined
    let spent = false
    if (limited && this.#tenants.peek(context.tenantId) !== undefined) {
      await this.#limit('validatePerClient', context.tenantId, context.client!, {})
      spent = true
    }
    // The hot path: settings and keys already in memory, no promise until the result.
    const tenant = this.#tenants.peek(context.tenantId)
    const verifier = tenant && this.#access.peekVerifier(context.tenantId, tenant.config)
    if (verifier !== undefined) {
      let claims: AccessTokenClaims
      try {
        claims = this.#access.verifyWith(verifier, context.tenantId, accessToken)
      } catch (err) {
        throw this.#fail(err as Error)
      }
      return this.#notRevoked(claims)
    }
    const config = await this.#config(context.tenantId)
    if (limited && !spent) {
      await this.#limit('validatePerClient', context.tenantId, context.client!, {})
    }
    let claims: AccessTokenClaims
    try {
      claims = await this.#access.verify(context.tenantId, config, accessToken)
    } catch (err) {
      throw this.#fail(err as Error)
    }
    return this.#notRevoked(claims)
  }

  #notRevoked(claims: AccessTokenClaims): AccessTokenClaims {
    if (this.#revocationsCurrent !== undefined && !this.#revocationsCurrent()) {
      throw new StoreUnavailableError(
        'revocations from other instances are not arriving; the token cannot be checked now',
      )
    }
    const revokedBy = this.#revoked.revokedBy(claims)
    if (revokedBy !== undefined) {
      throw this.#fail(new TokenRevokedError(`the token has been revoked (${revokedBy})`))
    }
    this.#metrics.increment('tokens_validated')
    return claims
  }

  /**
   * Revokes a token, as RFC 7009 says: an access token by its `jti` until it expires, a refresh
   * token with its whole session. Tokens that are invalid, unknown or of another tenant are ignored.
   * Returns whether something was revoked.
   */
  async revoke(
    token: string,
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<boolean> {
    requireObject(context, 'the context')
    const config = await this.#config(context.tenantId)
    const now = this.#clock()
    if (isRefreshTokenShape(token)) {
      const record = await this.#storage.sessions.findRefreshToken(
        context.tenantId,
        hashToken(token),
      )
      if (record === undefined) return false
      return this.#endSession(context.tenantId, record.sessionId, 'revoked', config, context)
    }
    let claims: AccessTokenClaims
    try {
      claims = await this.#access.verify(context.tenantId, config, token)
    } catch {
      return false
    }
    const revocation: RevocationRecord = {
      tenantId: context.tenantId,
      kind: 'jti',
      subject: claims.jti,
      cutoff: now,
      expiresAt: claims.exp * 1000,
    }
    await this.#storage.transaction(async (tx) => {
      await tx.revocations.put(revocation)
      await tx.audit.append({
        tenantId: context.tenantId,
        type: 'token.revoked',
        severity: 'notice',
        actor: context.actor ?? claims.sub,
        userId: claims.sub,
        sessionId: claims.sid,
        jti: claims.jti,
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        time: now,
      })
    })
    this.#revoked.apply(revocation)
    this.#metrics.increment('revocations', { kind: 'jti' })
    return true
  }

  /**
   * RFC 7662 introspection: `{ active: false }` for anything not currently valid (never why), else
   * the token's claims.
   */
  async introspect(token: string, context: { tenantId: string }): Promise<Record<string, unknown>> {
    requireObject(context, 'the context')
    if (typeof token !== 'string') return { active: false }
    if (isRefreshTokenShape(token)) return this.#introspectRefresh(token, context.tenantId)
    try {
      const claims = await this.validate(token, context)
      // RFC 7662 §2.2: the token's type as RFC 6749 §5.1 names it.
      return { active: true, token_type: 'Bearer', ...claims }
    } catch {
      return { active: false }
    }
  }

  /** Ends one session (logout on this device). */
  async logout(
    sessionId: string,
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<boolean> {
    requireString(sessionId, 'sessionId')
    requireObject(context, 'the context')
    const config = await this.#config(context.tenantId)
    return this.#endSession(context.tenantId, sessionId, 'logout', config, context)
  }

  /** Ends every session of a user and revokes every token issued to them so far (all devices). */
  async logoutAll(
    userId: string,
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<number> {
    requireString(userId, 'userId')
    requireObject(context, 'the context')
    const config = await this.#config(context.tenantId)
    const now = this.#clock()
    const revocation: RevocationRecord = {
      tenantId: context.tenantId,
      kind: 'user',
      subject: userId,
      cutoff: now,
      expiresAt: revocationExpiry(now, config.accessTokenTtl),
    }
    const ended = await this.#storage.transaction(async (tx) => {
      const ids = await tx.sessions.revokeAllForUser(context.tenantId, userId, now, 'logout all')
      // Per session too: see user-sessions.ts for the token a racing login signs after the cut-off.
      const bySession = endedSessionRevocations(context.tenantId, ids, now, revocation.expiresAt)
      for (const r of [revocation, ...bySession]) await tx.revocations.put(r)
      await tx.audit.append({
        tenantId: context.tenantId,
        type: 'logout.all',
        severity: 'notice',
        actor: context.actor ?? userId,
        userId,
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        details: { sessions: ids.length },
        time: now,
      })
      return { ids, revocations: [revocation, ...bySession] }
    })
    for (const r of ended.revocations) this.#revoked.apply(r)
    this.#metrics.increment('revocations', { kind: 'user' })
    return ended.ids.length
  }

  /** A user's sessions, newest first, active and ended. */
  async listSessions(tenantId: string, userId: string): Promise<SessionRecord[]> {
    requireString(tenantId, 'tenantId')
    requireString(userId, 'userId')
    return this.#storage.sessions.listByUser(tenantId, userId)
  }

  /** Ends one of a user's sessions; NotFoundError when it is not theirs. */
  async endSession(
    userId: string,
    sessionId: string,
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<boolean> {
    requireString(userId, 'userId')
    requireString(sessionId, 'sessionId')
    requireObject(context, 'the context')
    const session = await this.#storage.sessions.get(context.tenantId, sessionId)
    if (session === undefined || session.userId !== userId)
      throw new NotFoundError('no such session')
    const config = await this.#config(context.tenantId)
    return this.#endSession(context.tenantId, sessionId, 'ended', config, context)
  }

  /** Ends every session of a user but `keep` (the one in use). Returns how many ended. */
  async endOtherSessions(
    userId: string,
    keep: string,
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<number> {
    requireObject(context, 'the context')
    let ended = 0
    for (const session of await this.listSessions(context.tenantId, userId)) {
      if (session.id === keep || session.revokedAt !== null) continue
      if (await this.endSession(userId, session.id, context)) ended++
    }
    return ended
  }

  /**
   * Revokes every token issued so far in a tenant: a cut-off for access tokens, and every session
   * ended, so that no refresh token issued before it rotates again.
   */
  async revokeTenant(
    context: RequestContext & { tenantId: string; actor?: string },
  ): Promise<void> {
    requireObject(context, 'the context')
    const config = await this.#config(context.tenantId)
    const revocation = await this.#storage.transaction(async (tx) => {
      // The cut-off is read once the sessions are ended, in the transaction: a login or refresh
      // that committed before it (in the same SQLite group commit, say) has a session created
      // before the cut-off, so its token is not given an `iat` past it (see earliestIat).
      const sessionsEnded = await tx.sessions.revokeAllForTenant(
        context.tenantId,
        this.#clock(),
        'revoked',
      )
      const now = this.#clock()
      const revocation: RevocationRecord = {
        tenantId: context.tenantId,
        kind: 'tenant',
        subject: context.tenantId,
        cutoff: now,
        expiresAt: revocationExpiry(
          now,
          Math.max(config.accessTokenTtl, config.sessionAbsoluteTtl),
        ),
      }
      await tx.revocations.put(revocation)
      await tx.audit.append({
        tenantId: context.tenantId,
        type: 'token.revoked',
        severity: 'warning',
        actor: context.actor ?? 'system',
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        details: { scope: 'tenant', sessionsEnded },
        time: now,
      })
      return revocation
    })
    this.#revoked.apply(revocation)
  }

  /**
   * Housekeeping: forgets expired revocations, sealed successors past the grace window, and the
   * refresh tokens of sessions that ended more than a day ago (until then, presenting one still says
   * that its session has ended rather than that it is unknown).
   */
  async prune(): Promise<void> {
    const now = this.#clock()
    const dayAgo = now - 24 * 3600 * 1000
    await this.#storage.revocations.prune(now)
    this.#revoked.prune(now)
    // A sealed successor is what a retry within the grace window gets back: it is kept for the
    // longest window any tenant has set, and at least a day.
    const longestGrace = Math.max(
      0,
      ...(await this.#storage.tenants.list()).map((tenant) => tenant.config.reuseGraceSeconds),
    )
    await this.#storage.sessions.pruneSealed(Math.min(dayAgo, now - longestGrace * 1000))
    await this.#storage.sessions.pruneRefreshTokens(dayAgo)
  }

  // Refreshes are limited per session: the token's session is read first, outside the rotation,
  // which is handed the record it read.
  async #limitRefresh(
    token: string,
    context: RequestContext & { tenantId: string },
  ): Promise<RefreshTokenRecord | undefined> {
    const record = await this.#storage.sessions.findRefreshToken(context.tenantId, hashToken(token))
    if (record !== undefined) {
      await this.#limit('refreshPerSession', context.tenantId, record.sessionId, context)
    }
    return record
  }

  async #limit(
    profile: 'refreshPerSession' | 'validatePerClient',
    tenantId: string,
    key: string,
    context: RequestContext,
  ): Promise<void> {
    try {
      await this.#limits!.consume(profile, tenantId, key, context)
    } catch (err) {
      if (err instanceof RateLimitedError) this.#metrics.increment('rate_limited', { profile })
      throw this.#fail(err as Error)
    }
  }

  async #endSession(
    tenantId: string,
    sessionId: string,
    reason: 'logout' | 'ended' | 'revoked',
    config: TenantConfig,
    context: RequestContext & { actor?: string },
  ): Promise<boolean> {
    const now = this.#clock()
    const revocation: RevocationRecord = {
      tenantId,
      kind: 'session',
      subject: sessionId,
      cutoff: now,
      expiresAt: revocationExpiry(now, config.accessTokenTtl),
    }
    const ended = await this.#storage.transaction(async (tx) => {
      const session = await tx.sessions.get(tenantId, sessionId)
      if (session === undefined || !(await tx.sessions.revoke(tenantId, sessionId, now, reason))) {
        return false
      }
      await tx.revocations.put(revocation)
      await tx.audit.append({
        tenantId,
        type: reason === 'logout' ? 'logout' : 'session.revoked',
        severity: 'notice',
        actor: context.actor ?? session.userId,
        userId: session.userId,
        sessionId,
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        details: { reason },
        time: now,
      })
      return true
    })
    if (ended) {
      this.#revoked.apply(revocation)
      this.#metrics.increment('revocations', { kind: 'session' })
    }
    return ended
  }

  async #introspectRefresh(token: string, tenantId: string): Promise<Record<string, unknown>> {
    const now = this.#clock()
    const record = await this.#storage.sessions.findRefreshToken(tenantId, hashToken(token))
    if (record === undefined || record.consumedAt !== null || now >= record.expiresAt) {
      return { active: false }
    }
    const session = await this.#storage.sessions.get(tenantId, record.sessionId)
    if (session === undefined || session.revokedAt !== null || now >= session.expiresAt) {
      return { active: false }
    }
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: session.clientId,
      sub: session.userId,
      sid: session.id,
      tid: tenantId,
      exp: Math.floor(record.expiresAt / 1000),
      iat: Math.floor(record.createdAt / 1000),
    }
  }

  async #pair(
    config: TenantConfig,
    user: UserRecord,
    session: SessionRecord,
    refreshToken: string,
    refreshExpiresAt: number,
    now: number,
  ): Promise<TokenPair> {
    const iat = this.#revoked.earliestIat(
      session.tenantId,
      user.id,
      Math.floor(now / 1000),
      session.createdAt,
    )
    const { token, claims } = await this.#access.issue(config, {
      tenantId: session.tenantId,
      userId: user.id,
      sessionId: session.id,
      clientId: session.clientId,
      scopes: user.scopes,
      roles: user.roles,
      iat,
    })
    return {
      accessToken: token,
      expiresIn: config.accessTokenTtl,
      refreshToken,
      refreshExpiresAt,
      session,
      claims,
    }
  }

  async #config(tenantId: string): Promise<TenantConfig> {
    if (typeof tenantId !== 'string' || tenantId.length === 0) {
      throw new InvalidInputError('tenantId is required')
    }
    return (await this.#tenants.get(tenantId)).config
  }

  #fail(err: Error): Error {
    const reason = (err as { code?: string }).code ?? 'unknown'
    this.#metrics.increment('token_failures', { reason })
    return err
  }
}
