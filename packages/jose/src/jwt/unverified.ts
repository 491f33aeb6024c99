import { DEFAULT_LIMITS } from '../internal/limits.js'
import { parseCompact } from '../jws/compact.js'
import { toJWTError } from '../errors.js'
import { parseClaims, type Claims } from './payload.js'

/**
 * Reads a JWT header without verifying anything: to pick a key, never to trust the token.
 *
 * @example
 * ```ts
 * const { kid, alg } = jwt.getUnverifiedHeader(token)
 * ```
 */
export function getUnverifiedHeader(token: string): Record<string, unknown> {
  try {
    return parseCompact(token, DEFAULT_LIMITS).header
  } catch (err) {
    throw toJWTError(err)
  }
}

/**
 * Reads JWT claims without verifying anything: for display and routing, never for trust.
 *
 * @example
 * ```ts
 * const { iss } = jwt.getUnverifiedClaims(token)
 * ```
 */
export function getUnverifiedClaims(token: string): Claims {
  try {
    return parseClaims(parseCompact(token, DEFAULT_LIMITS).payloadSegment, DEFAULT_LIMITS)
  } catch (err) {
    throw toJWTError(err)
  }
}
