import type { Buffer } from 'node:buffer'
import { DEFAULT_LIMITS } from '../internal/limits.js'
import { splitCompact, type CompactParts } from './compact.js'
import { payloadIsEncoded } from './header.js'
import { readPayload, type PreparedPayload } from './payload.js'

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
  return readUnverified(token).parts.header
}

/**
 * Reads a JWS payload without verifying anything; returns its bytes, as python-jose does. An
 * unencoded payload (RFC 7797) is returned as it is; a detached one reads as empty.
 *
 * @example
 * ```ts
 * const bytes = jws.getUnverifiedClaims(compact)
 * ```
 */
export function getUnverifiedClaims(token: string): Buffer {
  return readUnverified(token).payload.bytes
}

// The token split, with its payload checked as its header says it is encoded (RFC 7797 `b64`).
function readUnverified(token: string): { parts: CompactParts; payload: PreparedPayload } {
  const parts = splitCompact(token, DEFAULT_LIMITS)
  const payload = readPayload(
    parts.payloadSegment,
    payloadIsEncoded(parts.header),
    undefined,
    'compact',
  )
  return { parts, payload }
}
