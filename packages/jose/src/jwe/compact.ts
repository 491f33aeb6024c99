// Parsing of the JWE Compact Serialization (RFC 7516 section 7.1) under the limits.
import { JWEError } from '../errors.js'
import type { ResolvedLimits } from '../internal/limits.js'
import { decodePart, parseProtectedHeader, type JWEParts } from './parts.js'

/**
 * Splits and decodes a compact JWE: exactly five segments, strict base64url, a protected header
 * that is a JSON object. Throws JWEError for anything malformed or over a limit.
 *
 * @example
 * ```ts
 * const parts = parseCompactJWE(token, DEFAULT_LIMITS)
 * ```
 */
export function parseCompactJWE(token: unknown, limits: ResolvedLimits): JWEParts {
  if (typeof token !== 'string') throw new JWEError('a compact JWE must be a string')
  if (token.length > limits.maxTokenLength) {
    throw new JWEError(`the token is longer than ${limits.maxTokenLength} characters`)
  }
  const segments = token.split('.', 6)
  if (segments.length !== 5) throw new JWEError('a compact JWE has exactly five segments')
  const [header, encryptedKey, iv, ciphertext, tag] = segments as [
    string,
    string,
    string,
    string,
    string,
  ]
  return {
    protectedB64: header,
    protectedHeader: parseProtectedHeader(header, limits),
    unprotected: undefined,
    recipients: [{ header: undefined, encryptedKey: decodePart(encryptedKey, 'encrypted key') }],
    iv: decodePart(iv, 'initialization vector'),
    ciphertext: decodePart(ciphertext, 'ciphertext'),
    tag: decodePart(tag, 'authentication tag'),
    aadB64: undefined,
  }
}
