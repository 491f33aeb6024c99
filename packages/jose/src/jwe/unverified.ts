import { DEFAULT_LIMITS } from '../internal/limits.js'
import { parseCompactJWE } from './compact.js'

/**
 * Reads a compact JWE's protected header without decrypting anything: to pick a key, never to
 * trust the token.
 *
 * @example
 * ```ts
 * const { alg, enc, kid } = jwe.getUnverifiedHeader(token)
 * ```
 */
export function getUnverifiedHeader(token: string): Record<string, unknown> {
  return parseCompactJWE(token, DEFAULT_LIMITS).protectedHeader!
}
