// Reading credentials from a request: a Bearer token (RFC 6750 §2.1), or a client id and secret by
// HTTP Basic (RFC 6749 §2.3.1) or in the form body. Tokens in query strings are not accepted.
import { errors } from '@tessera/tokens'
import type { FastifyRequest } from 'fastify'

/** What a request presented. */
export type Credentials =
  | { scheme: 'bearer'; token: string }
  | { scheme: 'client'; clientId: string | undefined; secret: string }

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i
const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i

/**
 * The credentials in the Authorization header or, for client secrets, the form body; undefined
 * when there are none. A malformed header, or two ways at once, is InvalidInputError.
 *
 * @param request - the request
 * @example
 * ```ts
 * const presented = credentials(request) // { scheme: 'bearer', token: 'eyJ...' }
 * ```
 */
export function credentials(request: FastifyRequest): Credentials | undefined {
  const header = request.headers.authorization
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
    client_id?: unknown
    client_secret?: unknown
  }
  const inBody = typeof body.client_secret === 'string'
  if (header === undefined) {
    if (!inBody) return undefined
    const clientId = typeof body.client_id === 'string' ? body.client_id : undefined
    return { scheme: 'client', clientId, secret: body.client_secret as string }
  }
  if (inBody) throw new errors.InvalidInputError('use one way of authenticating, not two')
  const bearer = BEARER.exec(header)
  if (bearer !== null) return { scheme: 'bearer', token: bearer[1]! }
  const basic = BASIC.exec(header)
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      return {
        scheme: 'client',
        clientId: formDecode(decoded.slice(0, colon)),
        secret: formDecode(decoded.slice(colon + 1)),
      }
    }
  }
  throw new errors.InvalidInputError('the Authorization header is malformed')
}

// RFC 6749 §2.3.1: the client id and secret are form-urlencoded before Basic encoding.
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    throw new errors.InvalidInputError('the Authorization header is malformed')
  }
}

/**
 * True when a string has the shape of a Tessera API key (`tsk_...`).
 *
 * @param token - a presented credential
 * @example
 * ```ts
 * isApiKey('tsk_0123...') // true
 * ```
 */
export function isApiKey(token: string): boolean {
  return token.startsWith('tsk_')
}
