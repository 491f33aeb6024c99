// Parsing of the JWS JSON Serialization (RFC 7515 section 7.2), general and flattened, under limits.
// Every structural rule is checked for every signature before any is verified: a JWS that breaks one
// is malformed as a whole, whichever signature a caller's key would have picked.
import { isBase64url } from '../internal/base64url.js'
import { isJsonObject, parseJson, stringifyJson, withinDepth } from '../internal/json.js'
import { resolveLimits, type Limits, type ResolvedLimits } from '../internal/limits.js'
import { InvalidOptionsError, JWSError } from '../errors.js'
import { parseHeaderSegment } from './compact.js'
import { checkCriticalJWS } from './header.js'

/**
 * One signature of a general JWS JSON Serialization.
 *
 * @example
 * ```ts
 * const entry: jws.JWSJSONSignature = { protected: 'eyJhbGciOiJSUzI1NiJ9', header: { kid: 'k1' }, signature: '...' }
 * ```
 */
export interface JWSJSONSignature {
  /** BASE64URL(UTF8(protected header)); absent when nothing is protected. */
  protected?: string
  /** The unprotected header. */
  header?: Record<string, unknown>
  /** BASE64URL(signature). */
  signature: string
}

/**
 * The general JWS JSON Serialization: one payload, any number of signatures.
 *
 * @example
 * ```ts
 * const general: jws.GeneralJWS = jws.signJSON('payload', [{ key: rsaKey }, { key: ecKey }])
 * ```
 */
export interface GeneralJWS {
  /** The payload: base64url, or the text itself with `b64: false`; absent when detached. */
  payload?: string
  signatures: JWSJSONSignature[]
}

/**
 * The flattened JWS JSON Serialization: one payload, one signature, its members at the top.
 *
 * @example
 * ```ts
 * const flat: jws.FlattenedJWS = jws.signJSON('payload', [{ key }], { flattened: true })
 * ```
 */
export interface FlattenedJWS extends JWSJSONSignature {
  /** The payload: base64url, or the text itself with `b64: false`; absent when detached. */
  payload?: string
}

/**
 * Limits for a JWS JSON Serialization: those of the compact form, and a number of signatures.
 *
 * @example
 * ```ts
 * jws.verifyJSON(text, key, ['ES256'], { limits: { maxSignatures: 4, maxTokenLength: 16384 } })
 * ```
 */
export interface JWSJSONLimits extends Limits {
  /**
   * The most signatures a general JWS may carry; each may cost a verification. Default 16.
   * `maxTokenLength` bounds the JSON text, `maxHeaderLength` each protected header segment and each
   * unprotected header's JSON text, `maxJsonDepth` each header's nesting.
   */
  maxSignatures?: number
}

/** JWSJSONLimits with every field filled in. */
export type ResolvedJSONLimits = Required<JWSJSONLimits>

/** The default for `maxSignatures`. */
export const DEFAULT_MAX_SIGNATURES = 16

/** One signature, checked and with its headers parsed. */
export interface ParsedSignature {
  /** The `protected` member, or '' when absent (it then signs as the empty string). */
  protectedSegment: string
  protectedHeader: Record<string, unknown> | undefined
  unprotectedHeader: Record<string, unknown> | undefined
  /** The JOSE Header: the union of the two, which are disjoint. */
  header: Record<string, unknown>
  signature: string
}

/** A JWS JSON Serialization, checked. */
export interface ParsedJSONJWS {
  /** The `payload` member; undefined when the payload is detached. */
  payload: string | undefined
  /** Whether the payload is base64url-encoded (RFC 7797 `b64`), the same for every signature. */
  b64: boolean
  signatures: ParsedSignature[]
}

// Members that belong to the flattened syntax; with `signatures` they make an ambiguous JWS.
const FLATTENED_MEMBERS = ['protected', 'header', 'signature']

/** Fills in the limits and checks that each is a positive integer. */
export function resolveJSONLimits(limits: JWSJSONLimits | undefined): ResolvedJSONLimits {
  const resolved = resolveLimits(limits)
  const max = limits?.maxSignatures ?? DEFAULT_MAX_SIGNATURES
  if (!Number.isSafeInteger(max) || max <= 0) {
    throw new InvalidOptionsError('maxSignatures must be a positive integer')
  }
  return { ...resolved, maxSignatures: max }
}

/**
 * Parses and checks a JWS JSON Serialization, given as an object or as JSON text. Throws JWSError
 * for anything malformed or over a limit.
 *
 * @param input - the JWS
 * @param limits - the resolved limits
 * @param understood - extension names (in `crit`) the caller processes
 */
export function parseJSONJWS(
  input: unknown,
  limits: ResolvedJSONLimits,
  understood: ReadonlySet<string>,
): ParsedJSONJWS {
  const doc = readDocument(input, limits)
  let entries: unknown[]
  if (Object.hasOwn(doc, 'signatures')) {
    if (FLATTENED_MEMBERS.some((name) => Object.hasOwn(doc, name))) {
      throw new JWSError('a JWS cannot be both general ("signatures") and flattened')
    }
    if (!Array.isArray(doc.signatures) || doc.signatures.length === 0) {
      throw new JWSError('"signatures" must be a non-empty array')
    }
    if (doc.signatures.length > limits.maxSignatures) {
      throw new JWSError(`the JWS carries more than ${limits.maxSignatures} signatures`)
    }
    entries = doc.signatures
  } else {
    entries = [doc]
  }
  const payload = doc.payload
  if (payload !== undefined && typeof payload !== 'string') {
    throw new JWSError('"payload" must be a string')
  }
  const signatures: ParsedSignature[] = []
  let b64: boolean | undefined
  for (const entry of entries) {
    const { parsed, encoded } = parseSignature(entry, limits, understood)
    if (b64 !== undefined && encoded !== b64) {
      throw new JWSError('every signature must give "b64" the same value (RFC 7797 section 3)')
    }
    b64 = encoded
    signatures.push(parsed)
  }
  return { payload, b64: b64 ?? true, signatures }
}

// The JWS as a plain JSON object. An object is serialized and parsed again: that measures it
// against maxTokenLength, and leaves nothing of the caller's (getters, prototypes, later changes).
function readDocument(input: unknown, limits: ResolvedJSONLimits): Record<string, unknown> {
  const text =
    typeof input === 'string'
      ? input
      : typeof input === 'object' && input !== null && !Array.isArray(input)
        ? stringifyJson(input)
        : undefined
  if (text === undefined) throw new JWSError('a JWS JSON Serialization must be an object or text')
  if (text.length > limits.maxTokenLength) {
    throw new JWSError(`the JWS is longer than ${limits.maxTokenLength} characters`)
  }
  const doc = parseJson(text)
  if (!isJsonObject(doc)) throw new JWSError('a JWS JSON Serialization must be a JSON object')
  // A header inside a general JWS sits three levels down: the object, `signatures`, the entry.
  if (!withinDepth(doc, limits.maxJsonDepth + 3)) throw new JWSError('the JWS nests too deeply')
  return doc
}

function parseSignature(
  entry: unknown,
  limits: ResolvedJSONLimits,
  understood: ReadonlySet<string>,
): { parsed: ParsedSignature; encoded: boolean } {
  if (!isJsonObject(entry)) throw new JWSError('each signature must be a JSON object')
  const { protected: segment, header: unprotected, signature } = entry
  if (segment !== undefined && typeof segment !== 'string') {
    throw new JWSError('"protected" must be a string')
  }
  const protectedHeader = segment === undefined ? undefined : parseHeaderSegment(segment, limits)
  if (unprotected !== undefined) checkUnprotected(unprotected, limits)
  if (protectedHeader === undefined && unprotected === undefined) {
    throw new JWSError('a signature needs a "protected" or a "header" member to carry "alg"')
  }
  if (typeof signature !== 'string' || !isBase64url(signature)) {
    throw new JWSError('"signature" must be a base64url string')
  }
  const unprotectedHeader = unprotected as Record<string, unknown> | undefined
  for (const name of Object.keys(unprotectedHeader ?? {})) {
    if (protectedHeader !== undefined && Object.hasOwn(protectedHeader, name)) {
      throw new JWSError(
        `"${name.slice(0, 32)}" is in both the protected and the unprotected header (RFC 7515 section 7.2.1)`,
      )
    }
  }
  // Spread defines own properties, so a member named __proto__ stays a member.
  const header = { ...protectedHeader, ...unprotectedHeader }
  if (typeof header.alg !== 'string') throw new JWSError('a signature has no "alg"')
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new JWSError('"kid" must be a string')
  }
  const encoded = checkCriticalJWS(protectedHeader ?? {}, understood, { allowUnencoded: true })
  return {
    parsed: {
      protectedSegment: segment ?? '',
      protectedHeader,
      unprotectedHeader,
      header,
      signature,
    },
    encoded,
  }
}

// An unprotected header: a JSON object within the limits, holding neither `crit` nor `b64`, which
// must be integrity protected (RFC 7515 section 4.1.11, RFC 7797 section 3).
function checkUnprotected(header: unknown, limits: ResolvedLimits): void {
  if (!isJsonObject(header)) throw new JWSError('"header" must be a JSON object')
  if (!withinDepth(header, limits.maxJsonDepth)) throw new JWSError('the header nests too deeply')
  const text = stringifyJson(header) ?? ''
  if (text.length > limits.maxHeaderLength) {
    throw new JWSError(`the unprotected header is longer than ${limits.maxHeaderLength} characters`)
  }
  for (const name of ['crit', 'b64']) {
    if (Object.hasOwn(header, name)) {
      throw new JWSError(`"${name}" must be in the protected header, never in "header"`)
    }
  }
}
