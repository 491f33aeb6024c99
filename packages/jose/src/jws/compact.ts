// Parsing of the JWS Compact Serialization (RFC 7515 section 7.1) under the limits.
import { decodeBase64url, isBase64url } from '../internal/base64url.js'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import type { ResolvedLimits } from '../internal/limits.js'
import { JWSError } from '../errors.js'

/** A compact JWS split into its parts; the header is parsed, the payload is checked but not decoded. */
export interface CompactParts {
  header: Record<string, unknown>
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes the signature covers. */
  signingInput: string
  payloadSegment: string
  signatureSegment: string
}

/** Splits and checks a compact JWS. Throws JWSError for anything malformed or over a limit. */
export function parseCompact(token: unknown, limits: ResolvedLimits): CompactParts {
  const parts = splitCompact(token, limits)
  if (!isBase64url(parts.payloadSegment)) throw new JWSError('the payload is not base64url')
  return parts
}

/**
 * Splits a compact JWS and parses its header, leaving the payload segment unchecked: it is
 * base64url, or with `b64: false` (RFC 7797) the payload itself, which only the header can say.
 * `signingInput` is then valid only for a base64url payload.
 */
export function splitCompact(token: unknown, limits: ResolvedLimits): CompactParts {
  if (typeof token !== 'string') throw new JWSError('a JWS must be a string')
  if (token.length > limits.maxTokenLength) {
    throw new JWSError(`the token is longer than ${limits.maxTokenLength} characters`)
  }
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new JWSError('a compact JWS has exactly three segments')
  }
  return {
    header: parseHeaderSegment(token.slice(0, first), limits),
    signingInput: token.slice(0, second),
    payloadSegment: token.slice(first + 1, second),
    signatureSegment: token.slice(second + 1),
  }
}

/** Decodes and parses a protected header segment. */
export function parseHeaderSegment(
  segment: string,
  limits: ResolvedLimits,
): Record<string, unknown> {
  if (segment.length > limits.maxHeaderLength) {
    throw new JWSError(`the header is longer than ${limits.maxHeaderLength} characters`)
  }
  const bytes = decodeBase64url(segment)
  if (bytes === undefined || bytes.length === 0) throw new JWSError('the header is not base64url')
  const header = parseJson(bytes.toString('utf8'))
  if (!isJsonObject(header)) throw new JWSError('the header is not a JSON object')
  if (!withinDepth(header, limits.maxJsonDepth)) throw new JWSError('the header nests too deeply')
  return header
}
