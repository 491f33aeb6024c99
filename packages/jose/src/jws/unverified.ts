import type { Buffer } from 'node:buffer'
import { DEFAULT_LIMITS } from '../internal/limits.js'
import { decodePayload, parseCompact } from './compact.js'

/**
 * Reads a JWS header without verifying anything. Never use it to decide whether to trust a token;
 * use it to pick a key or route, then verify.
 *
 * @example
 * ```ts
 * const { kid } = jws.getUnverifiedHeader(compact)
 * ```
 */
export function getUnverifiedHeader(token: string): Record<string, unknown> {
  return parseCompact(token, DEFAULT_LIMITS).header
}

/**
 * Reads a JWS payload without verifying anything; returns its bytes, as python-jose does.
 *
 * @example
 * ```ts
 * const bytes = jws.getUnverifiedClaims(compact)
 * ```
 */
export function getUnverifiedClaims(token: string): Buffer {
  return decodePayload(parseCompact(token, DEFAULT_LIMITS).payloadSegment)
}
