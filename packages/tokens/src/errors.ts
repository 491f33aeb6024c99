// One tree of errors under TokenError. Each class has a stable `code`; messages may change. Messages
// never carry a token, a password or a secret.

/** Every code a `@tessera/tokens` error can carry. */
export type TokenErrorCode =
  | 'ERR_TOKEN_GENERIC'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_TOKEN_REUSED'
  | 'ERR_INVALID_CREDENTIALS'
  | 'ERR_ACCOUNT_LOCKED'
  | 'ERR_ACCOUNT_DISABLED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_INVALID_INPUT'
  | 'ERR_STORE_UNAVAILABLE'

/** Options every error accepts. */
export interface TokenErrorOptions {
  cause?: unknown
}

/** The root of every error `@tessera/tokens` throws. */
export class TokenError extends Error {
  readonly code: TokenErrorCode = 'ERR_TOKEN_GENERIC'

  constructor(message: string, options?: TokenErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A token is malformed, unknown, or fails validation. */
export class InvalidTokenError extends TokenError {
  override readonly code: TokenErrorCode = 'ERR_TOKEN_INVALID'
}

/** A token (or its session) has expired. */
export class TokenExpiredError extends InvalidTokenError {
  override readonly code = 'ERR_TOKEN_EXPIRED'
}

/** A token, its session, its user or its tenant has been revoked. */
export class TokenRevokedError extends InvalidTokenError {
  override readonly code = 'ERR_TOKEN_REVOKED'
}

/** A consumed refresh token was presented again: its whole session has been revoked. */
export class TokenReuseError extends InvalidTokenError {
  override readonly code = 'ERR_TOKEN_REUSED'
}

/** Wrong username or password; never says which. */
export class InvalidCredentialsError extends TokenError {
  override readonly code = 'ERR_INVALID_CREDENTIALS'
}

/** The account is locked until `lockedUntil`; never says whether the password was right. */
export class AccountLockedError extends TokenError {
  override readonly code = 'ERR_ACCOUNT_LOCKED'
  readonly lockedUntil: Date

  constructor(lockedUntil: Date, options?: TokenErrorOptions) {
    super(`the account is locked until ${lockedUntil.toISOString()}`, options)
    this.lockedUntil = lockedUntil
  }
}

/** The account is disabled. */
export class AccountDisabledError extends TokenError {
  override readonly code = 'ERR_ACCOUNT_DISABLED'
}

/** A rate limit was exceeded; retry after `retryAfterMs`. */
export class RateLimitedError extends TokenError {
  override readonly code = 'ERR_RATE_LIMITED'
  readonly retryAfterMs: number
  readonly limit: string

  constructor(limit: string, retryAfterMs: number, options?: TokenErrorOptions) {
    super(`rate limit "${limit}" exceeded; retry in ${Math.ceil(retryAfterMs / 1000)} s`, options)
    this.limit = limit
    this.retryAfterMs = retryAfterMs
  }
}

/** A tenant, user, session or key does not exist (in this tenant). */
export class NotFoundError extends TokenError {
  override readonly code = 'ERR_NOT_FOUND'
}

/** A unique value is taken (a username or email in a tenant, a tenant name). */
export class ConflictError extends TokenError {
  override readonly code = 'ERR_CONFLICT'
}

/** An argument is invalid. */
export class InvalidInputError extends TokenError {
  override readonly code = 'ERR_INVALID_INPUT'
}

/** The store cannot be reached or failed; nothing was changed. */
export class StoreUnavailableError extends TokenError {
  override readonly code = 'ERR_STORE_UNAVAILABLE'
}
