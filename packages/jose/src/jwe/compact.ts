// Parsing of the JWE Compact Serialization (RFC 7516 section 7.1) under the limits.
import type { Buffer } from 'node:buffer'
import { JWEError } from '../errors.js'
import { deepFreeze } from '../internal/json.js'
import { DEFAULT_LIMITS, type ResolvedLimits } from '../internal/limits.js'
import { LruCache } from '../internal/lru.js'
import { decodePart, parseProtectedHeader, type JWEParts } from './parts.js'

/** The positions of the four dots of a compact JWE. */
export type CompactDots = readonly [number, number, number, number]

/**
 * Finds the four dots of a compact JWE: a string within `maxTokenLength`, of exactly five
 * segments. Throws JWEError otherwise.
 *
 * @example
 * ```ts
 * const [d0] = compactDots(token, DEFAULT_LIMITS) // token.slice(0, d0) is the protected header
 * ```
 */
export function compactDots(token: unknown, limits: ResolvedLimits): CompactDots {
  if (typeof token !== 'string') throw new JWEError('a compact JWE must be a string')
  if (token.length > limits.maxTokenLength) {
    throw new JWEError(`the token is longer than ${limits.maxTokenLength} characters`)
  }
  const d0 = token.indexOf('.')
  const d1 = d0 === -1 ? -1 : token.indexOf('.', d0 + 1)
  const d2 = d1 === -1 ? -1 : token.indexOf('.', d1 + 1)
  const d3 = d2 === -1 ? -1 : token.indexOf('.', d2 + 1)
  if (d3 === -1 || token.indexOf('.', d3 + 1) !== -1) {
    throw new JWEError('a compact JWE has exactly five segments')
  }
  return [d0, d1, d2, d3]
}

/** The four segments after the protected header, strictly decoded. */
export interface CompactBody {
  encryptedKey: Buffer
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
}

/**
 * Decodes the encrypted key, IV, ciphertext and tag of a compact JWE, strictly; throws JWEError
 * naming the segment that is not base64url.
 *
 * @example
 * ```ts
 * const { iv, ciphertext, tag } = decodeCompactBody(token, compactDots(token, limits))
 * ```
 */
export function decodeCompactBody(token: string, [d0, d1, d2, d3]: CompactDots): CompactBody {
  return {
    encryptedKey: decodePart(token.slice(d0 + 1, d1), 'encrypted key'),
    iv: decodePart(token.slice(d1 + 1, d2), 'initialization vector'),
    ciphertext: decodePart(token.slice(d2 + 1, d3), 'ciphertext'),
    tag: decodePart(token.slice(d3 + 1), 'authentication tag'),
  }
}

// Parsed protected headers by segment, for decryptions: a service sees the same few headers over
// and over. Used under the default limits only, where a header's parse depends on nothing but its
// text; frozen, since every decryption with that header shares one.
const headerCache = new LruCache<string, Record<string, unknown>>(256)

/**
 * Splits and decodes a compact JWE: exactly five segments, strict base64url, a protected header
 * that is a JSON object. Throws JWEError for anything malformed or over a limit.
 *
 * @param shared - the caller only reads the protected header, so it may be a frozen one shared
 *   through the cache; otherwise the header is a fresh object
 * @example
 * ```ts
 * const parts = parseCompactJWE(token, DEFAULT_LIMITS)
 * ```
 */
export function parseCompactJWE(token: unknown, limits: ResolvedLimits, shared = false): JWEParts {
  const dots = compactDots(token, limits)
  const text = token as string
  const segment = text.slice(0, dots[0])
  const cache = shared && limits === DEFAULT_LIMITS ? headerCache : undefined
  let protectedHeader = cache?.get(segment)
  if (protectedHeader === undefined) {
    protectedHeader = parseProtectedHeader(segment, limits)
    cache?.set(segment, deepFreeze(protectedHeader))
  }
  const body = decodeCompactBody(text, dots)
  return {
    protectedB64: segment,
    protectedHeader,
    unprotected: undefined,
    recipients: [{ header: undefined, encryptedKey: body.encryptedKey }],
    iv: body.iv,
    ciphertext: body.ciphertext,
    tag: body.tag,
    aadB64: undefined,
  }
}
