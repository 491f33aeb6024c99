// The server's own errors: only what the library cannot say. Everything about tokens, accounts and
// input comes from @tessera/tokens' error tree and keeps its code.
import type { ErrorContext } from './plugins/error-table.js'

/** Every code a `@tessera/server` error can carry. */
export type ServerErrorCode = 'ERR_FORBIDDEN' | 'ERR_UNSUPPORTED_GRANT_TYPE' | 'ERR_INVALID_SCOPE'

/** The root of the server's own errors. */
export class ServerError extends Error {
  readonly code: ServerErrorCode

  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** The caller is authenticated but may not do this (not an admin, say). */
export class ForbiddenError extends ServerError {
  constructor(message: string) {
    super('ERR_FORBIDDEN', message)
  }
}

/** `/oauth/token` was asked for a grant type it does not offer (RFC 6749 §5.2). */
export class UnsupportedGrantTypeError extends ServerError {
  constructor() {
    super(
      'ERR_UNSUPPORTED_GRANT_TYPE',
      'grant_type must be password, refresh_token or client_credentials',
    )
  }
}

/** `/oauth/token` was asked for more scope than the client has (RFC 6749 §5.2 invalid_scope). */
export class InvalidScopeError extends ServerError {
  constructor(message: string) {
    super('ERR_INVALID_SCOPE', message)
  }
}

const CONTEXT = Symbol('tessera.errorContext')

/**
 * Marks where an error happened, so the error handler gives it that context's meaning (an invalid
 * API key while authenticating a client is `invalid_client`, not `invalid_token`).
 *
 * @param err - the error
 * @param context - where it happened
 * @example
 * ```ts
 * throw inContext(err, 'client')
 * ```
 */
export function inContext<E>(err: E, context: ErrorContext): E {
  if (typeof err === 'object' && err !== null) {
    Object.defineProperty(err, CONTEXT, { value: context, configurable: true })
  }
  return err
}

/**
 * The context an error was marked with by {@link inContext}, if any.
 *
 * @param err - the error
 * @example
 * ```ts
 * contextOf(inContext(new Error('x'), 'grant')) // 'grant'
 * ```
 */
export function contextOf(err: unknown): ErrorContext | undefined {
  return typeof err === 'object' && err !== null
    ? ((err as Record<symbol, ErrorContext | undefined>)[CONTEXT] ?? undefined)
    : undefined
}

const MALFORMED_BEARER = Symbol('tessera.malformedBearer')

/**
 * Marks an error as a malformed Bearer Authorization header at a protected resource, so that its
 * 400 invalid_request carries a challenge naming that error (RFC 6750 §3).
 *
 * @param err - the error
 * @example
 * ```ts
 * throw malformedBearer(err)
 * ```
 */
export function malformedBearer<E>(err: E): E {
  if (typeof err === 'object' && err !== null) {
    Object.defineProperty(err, MALFORMED_BEARER, { value: true, configurable: true })
  }
  return err
}

/**
 * Whether an error was marked by {@link malformedBearer}.
 *
 * @param err - the error
 * @example
 * ```ts
 * isMalformedBearer(malformedBearer(new Error('x'))) // true
 * ```
 */
export function isMalformedBearer(err: unknown): boolean {
  return typeof err === 'object' && err !== null && MALFORMED_BEARER in err
}
