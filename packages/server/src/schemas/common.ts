// Schemas every group uses: the error body, times, token responses and access-token claims. Each is
// a plain JSON Schema (`as const`), used by Fastify for validation and serialization, and by
// @fastify/swagger for the OpenAPI document.

/** The body of every error response. */
export const errorBody = {
  type: 'object',
  description: 'An error: the OAuth `error` string, a description (4xx only) and a stable code',
  properties: {
    error: { type: 'string', description: 'RFC 6749 / RFC 6750 error string' },
    error_description: { type: 'string' },
    code: { type: 'string', description: 'Stable error code, such as ERR_TOKEN_EXPIRED' },
    request_id: { type: 'string' },
  },
  required: ['error'],
} as const

/**
 * A route's responses: the given successes, and the error body for every 4xx and 5xx.
 *
 * @param ok - the success responses by status
 * @example
 * ```ts
 * const schema = { response: responses({ 200: tokenResponse }) }
 * ```
 */
export function responses<T extends Record<number, unknown>>(ok: T) {
  return { ...ok, '4xx': errorBody, '5xx': errorBody }
}

/** An ISO 8601 time. */
export const time = { type: 'string', format: 'date-time' } as const

/** An ISO 8601 time, or null. */
export const optionalTime = { type: ['string', 'null'], format: 'date-time' } as const

/** A string or null. */
export const optionalString = { type: ['string', 'null'] } as const

/** A list of names (roles or scopes). */
export const names = { type: 'array', items: { type: 'string' } } as const

/** A token response (RFC 6749 §5.1), used by /auth/login, /auth/refresh and /oauth/token. */
export const tokenResponse = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'Seconds until the access token expires' },
    refresh_token: { type: 'string' },
    refresh_token_expires_in: {
      type: 'integer',
      description: 'Seconds until the refresh token expires if unused',
    },
    scope: { type: 'string' },
    session_id: { type: 'string' },
  },
  required: ['access_token', 'token_type', 'expires_in'],
} as const

/** The claims of a Tessera access token (RFC 9068, plus tid, sid and roles). */
export const claims = {
  type: 'object',
  properties: {
    iss: { type: 'string' },
    sub: { type: 'string' },
    aud: { type: 'string' },
    exp: { type: 'integer' },
    iat: { type: 'integer' },
    jti: { type: 'string' },
    client_id: { type: 'string' },
    tid: { type: 'string', description: 'Tenant id' },
    sid: { type: 'string', description: 'Session id' },
    scope: { type: 'string' },
    roles: names,
  },
  required: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'tid', 'sid'],
} as const

/** A body with one token, and an optional RFC 7009 / RFC 7662 hint. */
export const tokenBody = {
  type: 'object',
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 8192 },
    token_type_hint: { type: 'string', maxLength: 64 },
    client_id: { type: 'string', maxLength: 256 },
    client_secret: { type: 'string', maxLength: 512 },
  },
  required: ['token'],
} as const

/** The body of `{ token, token_type_hint? }`. */
export interface TokenBody {
  token: string
  token_type_hint?: string
}

/** An audit event as the API shows it. */
export const auditEvent = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    seq: { type: 'integer' },
    time,
    type: { type: 'string' },
    severity: { type: 'string' },
    actor: optionalString,
    user_id: optionalString,
    session_id: optionalString,
    jti: optionalString,
    ip: optionalString,
    user_agent: optionalString,
    details: { type: 'object', additionalProperties: true },
    prev_hash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const

/** A page of audit events. */
export const auditPage = {
  type: 'object',
  properties: {
    events: { type: 'array', items: auditEvent },
    next_cursor: optionalString,
  },
  required: ['events', 'next_cursor'],
} as const

/** Paging of audit queries. */
export const auditPaging = {
  cursor: { type: 'string', maxLength: 512 },
  limit: { type: 'integer', minimum: 1, maximum: 1000 },
  from: { ...time, description: 'Inclusive lower bound' },
  to: { ...time, description: 'Exclusive upper bound' },
} as const
