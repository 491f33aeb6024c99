// The bearer credential of a request (RFC 6750 section 2.1): exactly one Authorization header,
// scheme `Bearer` in any case, one space or more, then a b64token no longer than the limit. The
// query (`?access_token=`) method is refused; it puts tokens in logs and browser history.
import type { Challenges, GuardFailure } from './challenge.js'

/**
 * The parts of an HTTP request a guard reads: Node's `IncomingMessage`, Fastify's `request.raw`
 * and Express's `req` all have them.
 *
 * @example
 * ```ts
 * const request: RequestLike = { headers: { authorization: `Bearer ${token}` }, url: '/orders' }
 * const result = await guard.verifyRequest(request)
 * ```
 */
export interface RequestLike {
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  /**
   * Names and values as they arrived, alternating. Node keeps only the first of several
   * Authorization headers in `headers`; this is how a second one is seen and refused.
   */
  readonly rawHeaders?: readonly string[]
  /** The request target, with its query string. */
  readonly url?: string
  /** Express's original URL, used in preference to `url` when present. */
  readonly originalUrl?: string
}

const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
/** The longest scheme name looked at; real ones are a few characters. */
const MAX_SCHEME = 64

/**
 * Every Authorization header of the request: none, one, or (refused later) several. Reads
 * `rawHeaders` when the request has them, since Node keeps only the first in `headers`.
 *
 * @param req - the request
 *
 * @example
 * ```ts
 * authorizationOf({ headers: {}, rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'b'] })
 * // ['Bearer a', 'b']
 * ```
 */
export function authorizationOf(req: RequestLike): string | readonly string[] | undefined {
  const raw = req.rawHeaders
  if (raw === undefined) return req.headers.authorization
  const values: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') values.push(raw[i + 1]!)
  }
  return values.length === 0 ? undefined : values
}

/**
 * Whether the request URL carries an `access_token` query parameter (RFC 6750 section 2.3).
 *
 * @param req - the request; `originalUrl` is preferred to `url`
 *
 * @example
 * ```ts
 * hasQueryToken({ headers: {}, url: '/orders?access_token=eyJ' }) // true
 * ```
 */
export function hasQueryToken(req: RequestLike): boolean {
  const url = req.originalUrl ?? req.url
  if (url === undefined) return false
  const query = url.indexOf('?')
  if (query === -1 || !url.includes('access_token', query)) return false
  return new URLSearchParams(url.slice(query + 1)).has('access_token')
}

/**
 * The token of a bearer Authorization header, or the refusal for a header that has none: 401
 * without an error code when there are no credentials or another scheme (RFC 6750 section 3.1),
 * 400 invalid_request for a malformed header or several of them, 401 invalid_token when the token
 * is longer than `maxTokenLength`.
 *
 * @param authorization - the header value, or every value when there were several
 * @param maxTokenLength - the longest token accepted
 * @param challenges - the guard's refusals
 *
 * @example
 * ```ts
 * readBearer('bearer eyJ...', 8192, challenges) // 'eyJ...'
 * readBearer('Basic dTpw', 8192, challenges) // a 401 refusal without an error code
 * ```
 */
export function readBearer(
  authorization: string | readonly string[] | undefined,
  maxTokenLength: number,
  challenges: Challenges,
): string | GuardFailure {
  let value: unknown = authorization
  if (Array.isArray(value)) {
    if (value.length > 1) return challenges.invalidRequest('more than one Authorization header')
    value = value[0]
  }
  if (value === undefined) return challenges.missing('an access token is required')
  if (typeof value !== 'string') return challenges.invalidRequest('malformed Authorization header')
  const header = value.replace(/^[ \t]+|[ \t]+$/g, '')
  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  if (scheme.length > MAX_SCHEME || !SCHEME.test(scheme)) {
    return challenges.invalidRequest('malformed Authorization header')
  }
  if (scheme.toLowerCase() !== 'bearer') {
    return challenges.missing('the Authorization header must use the Bearer scheme')
  }
  let start = space === -1 ? header.length : space
  while (header.charCodeAt(start) === 32) start++
  if (start === header.length) return challenges.invalidRequest('no token after Bearer')
  if (header.length - start > maxTokenLength) {
    return challenges.invalidToken(`the token is longer than ${maxTokenLength} characters`)
  }
  const token = header.slice(start)
  if (!B64TOKEN.test(token)) {
    return challenges.invalidRequest('the bearer token has characters a b64token may not hold')
  }
  return token
}
