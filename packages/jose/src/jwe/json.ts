// Parsing of the JWE JSON Serialization (RFC 7516 section 7.2), general and flattened, under the
// limits. Members this library does not know are ignored, as the RFC says.
import { JWEError } from '../errors.js'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import type { ResolvedLimits } from '../internal/limits.js'
import {
  checkHeaderObject,
  decodePart,
  parseProtectedHeader,
  type JWEParts,
  type RecipientPart,
} from './parts.js'

/** The most recipients a JWE may list: each can cost a private-key operation per candidate key. */
export const MAX_RECIPIENTS = 100

/** A JWE in the JSON Serialization, general (`recipients`) or flattened. */
export interface JWEJSON {
  protected?: string
  unprotected?: Record<string, unknown>
  recipients?: { header?: Record<string, unknown>; encrypted_key?: string }[]
  header?: Record<string, unknown>
  encrypted_key?: string
  aad?: string
  iv: string
  ciphertext: string
  tag: string
}

/**
 * Parses a JSON-serialized JWE, given as an object or as JSON text.
 *
 * @example
 * ```ts
 * const parts = parseJsonJWE(jweObject, DEFAULT_LIMITS)
 * ```
 */
export function parseJsonJWE(input: unknown, limits: ResolvedLimits): JWEParts {
  const jwe = typeof input === 'string' ? parseText(input, limits) : input
  if (!isJsonObject(jwe)) throw new JWEError('a JSON-serialized JWE must be a JSON object')
  if (
    typeof input !== 'string' &&
    textLength(jwe, limits.maxJsonDepth + 2) > limits.maxTokenLength
  ) {
    throw new JWEError(`the JWE is longer than ${limits.maxTokenLength} characters`)
  }
  const protectedB64 = jwe.protected === undefined ? '' : jwe.protected
  if (typeof protectedB64 !== 'string') throw new JWEError('"protected" must be a string')
  let unprotected: Record<string, unknown> | undefined
  if (jwe.unprotected !== undefined) {
    checkHeaderObject(jwe.unprotected, 'unprotected header', limits)
    unprotected = jwe.unprotected
  }
  const aadB64 = jwe.aad
  if (aadB64 !== undefined) decodePart(aadB64, 'aad')
  return {
    protectedB64,
    protectedHeader: protectedB64 === '' ? undefined : parseProtectedHeader(protectedB64, limits),
    unprotected,
    recipients: readRecipients(jwe, limits),
    iv: decodePart(jwe.iv, 'initialization vector'),
    ciphertext: decodePart(jwe.ciphertext, 'ciphertext'),
    tag: decodePart(jwe.tag, 'authentication tag'),
    aadB64: aadB64 as string | undefined,
  }
}

function parseText(text: string, limits: ResolvedLimits): unknown {
  if (text.length > limits.maxTokenLength) {
    throw new JWEError(`the JWE is longer than ${limits.maxTokenLength} characters`)
  }
  const json = parseJson(text)
  if (!withinDepth(json, limits.maxJsonDepth + 2)) throw new JWEError('the JWE nests too deeply')
  return json
}

function readRecipients(jwe: Record<string, unknown>, limits: ResolvedLimits): RecipientPart[] {
  const general = jwe.recipients
  if (general === undefined) return [readRecipient(jwe, limits)]
  if (jwe.header !== undefined || jwe.encrypted_key !== undefined) {
    throw new JWEError('a JWE is either general ("recipients") or flattened, not both')
  }
  if (!Array.isArray(general) || general.length === 0) {
    throw new JWEError('"recipients" must be a non-empty array')
  }
  if (general.length > MAX_RECIPIENTS) {
    throw new JWEError(`a JWE may have at most ${MAX_RECIPIENTS} recipients`)
  }
  // Array.from visits the holes of a sparse array, which map would skip and leave as holes.
  return Array.from(general as unknown[], (recipient) => {
    if (!isJsonObject(recipient)) throw new JWEError('each recipient must be a JSON object')
    return readRecipient(recipient, limits)
  })
}

function readRecipient(from: Record<string, unknown>, limits: ResolvedLimits): RecipientPart {
  const header = from.header
  if (header !== undefined) checkHeaderObject(header, 'recipient header', limits)
  const encryptedKey = from.encrypted_key === undefined ? '' : from.encrypted_key
  return {
    header: header as Record<string, unknown> | undefined,
    encryptedKey: decodePart(encryptedKey, 'encrypted key'),
  }
}

// The characters of every string in a JSON value, counted without serializing it; objects deeper
// than `depth` count as over any limit.
function textLength(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length
  if (typeof value !== 'object' || value === null) return 8
  if (depth <= 0) return Number.POSITIVE_INFINITY
  let total = 2
  for (const [name, item] of Object.entries(value))
    total += name.length + textLength(item, depth - 1)
  return total
}
