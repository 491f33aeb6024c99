// The one table from error codes to HTTP statuses and OAuth `error` strings. The library's codes
// (@tessera/tokens) come first; then the three the server itself needs. An outcome can depend on where
// the error happened: at a resource (RFC 6750: a bad access token is 401 invalid_token), at the token
// endpoint (RFC 6749 §5.2: a bad grant is 400 invalid_grant) or while authenticating a client
// (401 invalid_client).

/** Where an error happened, which decides its OAuth meaning. */
export type ErrorContext = 'resource' | 'grant' | 'client'

/** An HTTP status and an OAuth `error` string. */
export interface ErrorOutcome {
  status: number
  error: string
}

/** The outcome in each context; `resource` is the default. */
export interface ErrorMapping {
  resource: ErrorOutcome
  grant?: ErrorOutcome
  client?: ErrorOutcome
}

const outcome = (status: number, error: string): ErrorOutcome => ({ status, error })

/** A token, grant or client that is not good: the same row for every kind of bad token. */
const BAD_TOKEN: ErrorMapping = {
  resource: outcome(401, 'invalid_token'),
  grant: outcome(400, 'invalid_grant'),
  client: outcome(401, 'invalid_client'),
}

/** A login that does not succeed. At the token endpoint, RFC 6749 makes each one invalid_grant. */
const BAD_LOGIN = (status: number): ErrorMapping => ({
  resource: outcome(status, 'invalid_grant'),
  grant: outcome(400, 'invalid_grant'),
})

/** Every code a response can carry, and what it means over HTTP. */
export const ERROR_TABLE: Readonly<Record<string, ErrorMapping>> = Object.freeze({
  // @tessera/tokens
  ERR_TOKEN_INVALID: BAD_TOKEN,
  ERR_TOKEN_EXPIRED: BAD_TOKEN,
  ERR_TOKEN_REVOKED: BAD_TOKEN,
  ERR_TOKEN_REUSED: BAD_TOKEN,
  ERR_INVALID_CREDENTIALS: BAD_LOGIN(401),
  ERR_ACCOUNT_LOCKED: BAD_LOGIN(423),
  ERR_ACCOUNT_DISABLED: BAD_LOGIN(403),
  ERR_RATE_LIMITED: { resource: outcome(429, 'slow_down') },
  ERR_NOT_FOUND: { resource: outcome(404, 'not_found') },
  ERR_CONFLICT: { resource: outcome(409, 'conflict') },
  ERR_INVALID_INPUT: { resource: outcome(400, 'invalid_request') },
  ERR_STORE_UNAVAILABLE: { resource: outcome(503, 'temporarily_unavailable') },
  ERR_TOKEN_GENERIC: { resource: outcome(500, 'server_error') },
  // @tessera/server: authorization, which the library does not do, and two RFC 6749 outcomes.
  ERR_FORBIDDEN: { resource: outcome(403, 'insufficient_scope') },
  ERR_UNSUPPORTED_GRANT_TYPE: { resource: outcome(400, 'unsupported_grant_type') },
  ERR_INVALID_SCOPE: { resource: outcome(400, 'invalid_scope') },
})

/** What any error the table does not know becomes: a 500 that says nothing. */
export const UNKNOWN_ERROR: ErrorOutcome = outcome(500, 'server_error')

/** A request that arrives while the server is closing: try again (elsewhere). No code: no error. */
export const CLOSING: ErrorOutcome = outcome(503, 'temporarily_unavailable')

/**
 * The outcome of a code in a context, or undefined for a code the table does not know.
 *
 * @param code - an error code such as `ERR_TOKEN_EXPIRED`
 * @param context - where the error happened
 * @example
 * ```ts
 * lookup('ERR_TOKEN_EXPIRED', 'grant') // { status: 400, error: 'invalid_grant' }
 * ```
 */
export function lookup(code: string, context: ErrorContext): ErrorOutcome | undefined {
  const mapping = Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code] : undefined
  return mapping && (mapping[context] ?? mapping.resource)
}
