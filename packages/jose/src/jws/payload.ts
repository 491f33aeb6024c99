// The payload of a JWS in every shape it can take: base64url-encoded or not (RFC 7797 `b64`),
// carried in the JWS or detached from it (RFC 7515 appendix F), in the compact or JSON form. Signing
// and verification build the JWS Signing Input here, so both sides agree byte for byte.
import { Buffer, isUtf8 } from 'node:buffer'
import { decodeBase64url, encodeBase64url } from '../internal/base64url.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { InvalidOptionsError, JWSError } from '../errors.js'

/** Which serialization a payload is written into or read from. */
export type Serialization = 'compact' | 'json'

/** A payload ready to sign or verify. */
export interface PreparedPayload {
  /** The payload bytes. */
  bytes: Buffer
  /**
   * What follows the `.` in the JWS Signing Input: the base64url text, or (with `b64: false`) the
   * payload bytes themselves.
   */
  signed: string | Buffer
}

/** An encoded payload, with what goes into the JWS. */
export interface EncodedPayload extends PreparedPayload {
  /** The payload segment or `payload` member; undefined when the payload is detached. */
  member: string | undefined
}

// A lone UTF-16 surrogate: text that has no UTF-8 form, so it cannot be an unencoded payload.
const LONE_SURROGATE = /\p{Cs}/u

/**
 * The bytes of a payload given to sign: JSON text for an object, UTF-8 for text, bytes as they are.
 */
export function payloadBytes(payload: unknown): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8')
  if (payload instanceof Uint8Array) {
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  }
  const json = isJsonObject(payload) ? stringifyJson(payload) : undefined
  if (json !== undefined) return Buffer.from(json, 'utf8')
  throw new JWSError('the payload must be a JSON-serializable object, a string or bytes')
}

/**
 * Encodes payload bytes for signing. An unencoded payload that travels in the JWS must be UTF-8
 * text, and in the compact form must not contain a `.` (RFC 7797 section 5.2); a detached one may
 * be any bytes.
 */
export function encodePayload(
  bytes: Buffer,
  b64: boolean,
  form: Serialization,
  detached: boolean,
): EncodedPayload {
  if (b64) {
    const text = encodeBase64url(bytes)
    return { bytes, signed: text, member: detached ? undefined : text }
  }
  if (detached) return { bytes, signed: bytes, member: undefined }
  if (!isUtf8(bytes)) {
    throw new JWSError('an unencoded payload must be UTF-8 text, unless it is detached')
  }
  const text = bytes.toString('utf8')
  if (form === 'compact' && text.includes('.')) {
    throw new JWSError(
      'an unencoded payload in a compact JWS cannot contain "."; detach it or use signJSON',
    )
  }
  return { bytes, signed: bytes, member: text }
}

/**
 * Reads the payload of a JWS being verified. `member` is the compact payload segment (where the
 * empty string stands for a detached payload) or the JSON `payload` member (absent when detached).
 * With `detached` given, the JWS must not carry a payload of its own.
 */
export function readPayload(
  member: string | undefined,
  b64: boolean,
  detached: Buffer | undefined,
  form: Serialization,
): PreparedPayload {
  if (detached !== undefined) {
    if (member !== undefined && (form === 'json' || member !== '')) {
      throw new JWSError('the JWS carries a payload, but a detached payload was given')
    }
    return { bytes: detached, signed: b64 ? encodeBase64url(detached) : detached }
  }
  if (member === undefined) {
    throw new JWSError('the payload is detached: pass it as the detachedPayload option')
  }
  if (b64) {
    const bytes = decodeBase64url(member)
    if (bytes === undefined) throw new JWSError('the payload is not base64url')
    return { bytes, signed: member }
  }
  if (LONE_SURROGATE.test(member)) throw new JWSError('the unencoded payload is not valid text')
  const bytes = Buffer.from(member, 'utf8')
  return { bytes, signed: bytes }
}

/**
 * The JWS Signing Input: `BASE64URL(protected header) || '.' || payload`, as ASCII text when the
 * payload is base64url, else as bytes (an unencoded payload may hold any UTF-8).
 *
 * @param protectedSegment - the protected header segment, or '' when nothing is protected
 */
export function signingInput(protectedSegment: string, payload: PreparedPayload): string | Buffer {
  const { signed } = payload
  return typeof signed === 'string'
    ? `${protectedSegment}.${signed}`
    : Buffer.concat([Buffer.from(`${protectedSegment}.`, 'latin1'), signed])
}

/** Reads the `detachedPayload` option: text (as UTF-8) or bytes. */
export function detachedOption(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new InvalidOptionsError('detachedPayload must be a string or bytes')
}

/**
 * Adds what an unencoded payload needs to caller headers: `b64: false`, and `b64` in `crit`.
 * Headers that already say `b64: true` contradict the option and are refused.
 */
export function withUnencoded(
  headers: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (headers !== undefined && !isJsonObject(headers))
    throw new JWSError('headers must be an object')
  if (headers?.b64 === true) {
    throw new JWSError('unencodedPayload contradicts the header "b64": true')
  }
  const crit = headers?.crit
  if (crit !== undefined && !Array.isArray(crit)) throw new JWSError('"crit" must be an array')
  return {
    ...headers,
    b64: false,
    crit: crit?.includes('b64') === true ? crit : [...(crit ?? []), 'b64'],
  }
}
