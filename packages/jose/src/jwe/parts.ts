// The parts of a JWE, whichever serialization carried them (RFC 7516 sections 7.1 and 7.2), and
// the strict decoding of each.
import type { Buffer } from 'node:buffer'
import { JWEError } from '../errors.js'
import { decodeBase64url } from '../internal/base64url.js'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import type { ResolvedLimits } from '../internal/limits.js'

/** One recipient: its own unprotected header (JSON only) and its encrypted key. */
export interface RecipientPart {
  header: Record<string, unknown> | undefined
  encryptedKey: Buffer
}

/** A parsed JWE, from the compact or a JSON serialization. */
export interface JWEParts {
  /** The protected header segment exactly as received (empty when there is none). */
  protectedB64: string
  protectedHeader: Record<string, unknown> | undefined
  /** The shared unprotected header (JSON `unprotected`). */
  unprotected: Record<string, unknown> | undefined
  recipients: readonly RecipientPart[]
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
  /** JSON `aad`, as received. */
  aadB64: string | undefined
}

/**
 * Decodes a protected header segment: strict base64url, a JSON object, within the limits.
 *
 * @example
 * ```ts
 * const header = parseProtectedHeader(token.slice(0, token.indexOf('.')), DEFAULT_LIMITS)
 * ```
 */
export function parseProtectedHeader(
  segment: string,
  limits: ResolvedLimits,
): Record<string, unknown> {
  if (segment.length > limits.maxHeaderLength) {
    throw new JWEError(`the protected header is longer than ${limits.maxHeaderLength} characters`)
  }
  const bytes = decodeBase64url(segment)
  if (bytes === undefined || bytes.length === 0) {
    throw new JWEError('the protected header is not base64url')
  }
  const header = parseJson(bytes.toString('utf8'))
  if (!isJsonObject(header)) throw new JWEError('the protected header is not a JSON object')
  checkHeaderObject(header, 'protected header', limits)
  return header
}

/**
 * Checks an unprotected header object: a JSON object within the nesting limit.
 *
 * @example
 * ```ts
 * checkHeaderObject(json.unprotected, 'unprotected header', limits)
 * ```
 */
export function checkHeaderObject(
  header: unknown,
  what: string,
  limits: ResolvedLimits,
): asserts header is Record<string, unknown> {
  if (!isJsonObject(header)) throw new JWEError(`the ${what} is not a JSON object`)
  if (!withinDepth(header, limits.maxJsonDepth)) throw new JWEError(`the ${what} nests too deeply`)
}

/**
 * Decodes one base64url member strictly; throws JWEError naming the member (never its value).
 *
 * @example
 * ```ts
 * const iv = decodePart(segments[2], 'initialization vector')
 * ```
 */
export function decodePart(value: unknown, what: string): Buffer {
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined
  if (bytes === undefined) throw new JWEError(`the ${what} is not base64url`)
  return bytes
}
