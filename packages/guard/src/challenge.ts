// The refusals a guard answers with (RFC 6750 section 3), and the WWW-Authenticate challenge and
// JSON body each one becomes. Nothing here ever carries the token.

/**
 * The `error` of a refusal. The first three are RFC 6750's codes and appear in the challenge;
 * `missing_token` (no credentials, or another scheme: RFC 6750 says to send no error code then)
 * and `temporarily_unavailable` (503, the keys cannot be fetched) appear only in the JSON body.
 *
 * @example
 * ```ts
 * if (result.ok === false && result.error === 'insufficient_scope') askForConsent()
 * ```
 */
export type GuardErrorName =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'missing_token'
  | 'temporarily_unavailable'

/**
 * A refused request: everything needed to answer it. Send `status`, the `WWW-Authenticate`
 * header when there is one, `Retry-After` when there is one, and `{ error, error_description }`;
 * {@link failureResponse} does exactly that. Log `cause` if you like; never send it.
 *
 * @example
 * ```ts
 * const result = await guard.verify(req.headers.authorization)
 * if (!result.ok) return res.writeHead(result.status, failureResponse(result).headers).end()
 * ```
 */
export interface GuardFailure {
  readonly ok: false
  /** 400 malformed request, 401 no or bad token, 403 not enough scope or roles, 503 no keys. */
  readonly status: 400 | 401 | 403 | 503
  readonly error: GuardErrorName
  /** For the developer on the other end; never the token, never a key. */
  readonly description: string
  /** The `WWW-Authenticate` value for 400, 401 and 403; undefined for 503, which is no challenge. */
  readonly wwwAuthenticate: string | undefined
  /** Seconds for `Retry-After` on a 503; undefined otherwise. */
  readonly retryAfter: number | undefined
  /** The `@tessera/jose` error behind a refusal, for logs. Never send it to the client. */
  readonly cause: unknown
}

/**
 * A refusal as an HTTP response: status, headers and a JSON body, for frameworks the package has
 * no adapter for.
 *
 * @param failure - a refusal from `guard.verify`, `verifyToken` or `verifyRequest`
 * @returns the status, the headers (`WWW-Authenticate`, `Retry-After`, `Content-Type`) and the body
 *
 * @example
 * ```ts
 * const { status, headers, body } = failureResponse(result)
 * return new Response(JSON.stringify(body), { status, headers }) // e.g. in a fetch handler
 * ```
 */
export function failureResponse(failure: GuardFailure): {
  status: number
  headers: Record<string, string>
  body: { error: GuardErrorName; error_description: string }
} {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (failure.wwwAuthenticate !== undefined) headers['www-authenticate'] = failure.wwwAuthenticate
  if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter)
  const body = { error: failure.error, error_description: failure.description }
  return { status: failure.status, headers, body }
}

/**
 * The refusals of one guard, whose challenges all name its realm. Each returns a frozen
 * {@link GuardFailure}.
 *
 * @example
 * ```ts
 * const failure = challenges.invalidToken('the access token has expired', err)
 * ```
 */
export interface Challenges {
  missing(description: string): GuardFailure
  invalidRequest(description: string): GuardFailure
  invalidToken(description: string, cause?: unknown): GuardFailure
  insufficient(description: string, scopes: readonly string[]): GuardFailure
  unavailable(retryAfter: number, cause: unknown): GuardFailure
}

/**
 * Makes the refusals for a realm.
 *
 * @param realm - printable ASCII (the options check it); quoted here
 *
 * @example
 * ```ts
 * challengesFor('orders-api').missing('an access token is required').wwwAuthenticate
 * // 'Bearer realm="orders-api"'
 * ```
 */
export function challengesFor(realm: string): Challenges {
  const bearer = `Bearer realm=${quote(realm)}`
  const fail = (
    status: GuardFailure['status'],
    error: GuardErrorName,
    description: string,
    wwwAuthenticate: string | undefined,
    cause: unknown = undefined,
    retryAfter: number | undefined = undefined,
  ): GuardFailure => {
    const text = clean(description)
    return Object.freeze({
      ok: false,
      status,
      error,
      description: text,
      wwwAuthenticate,
      retryAfter,
      cause,
    })
  }
  const challenge = (error: string, description: string, extra = '') =>
    `${bearer}, error="${error}", error_description="${clean(description)}"${extra}`
  return {
    missing: (description) => fail(401, 'missing_token', description, bearer),
    invalidRequest: (description) =>
      fail(400, 'invalid_request', description, challenge('invalid_request', description)),
    invalidToken: (description, cause) =>
      fail(401, 'invalid_token', description, challenge('invalid_token', description), cause),
    insufficient: (description, scopes) => {
      const scope = scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : ''
      const header = challenge('insufficient_scope', description, scope)
      return fail(403, 'insufficient_scope', description, header)
    },
    unavailable: (retryAfter, cause) =>
      fail(
        503,
        'temporarily_unavailable',
        'the keys that verify access tokens cannot be fetched; try again later',
        undefined,
        cause,
        retryAfter,
      ),
  }
}

/** An HTTP quoted-string (RFC 9110 section 5.6.4). */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/** error_description allows %x20-21 / %x23-5B / %x5D-7E only (RFC 6750 section 3). */
function clean(description: string): string {
  return description.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?')
}
