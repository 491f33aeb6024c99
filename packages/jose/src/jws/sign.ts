import { getSignatureAlgorithm } from '../algorithms/registry.js'
import { encodeBase64url } from '../internal/base64url.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import type { Key } from '../keys/key.js'
import { JWSAlgorithmError, JWSError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { checkCriticalJWS, understoodExtensions, type CriticalOptions } from './header.js'
import { encodePayload, payloadBytes, signingInput, withUnencoded } from './payload.js'

/**
 * Options for {@link sign}.
 *
 * @example
 * ```ts
 * jws.sign(document, key, { algorithm: 'ES256', headers: { cty: 'json' }, detached: true })
 * ```
 */
export interface JWSSignOptions {
  /** The algorithm; defaults to the key's own `alg`, else HS256 (as python-jose). */
  algorithm?: string
  /** Extra protected header members. `alg` is always the algorithm used. */
  headers?: Record<string, unknown>
  /** Sign with a key that is too weak for the algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
  /**
   * Leave the payload out of the JWS (RFC 7515 appendix F): the middle segment is empty, and the
   * verifier passes the payload as `detachedPayload`.
   */
  detached?: boolean
  /**
   * Sign the payload unencoded (RFC 7797): adds `b64: false` and lists `b64` in `crit`. Same as
   * `headers: { b64: false, crit: ['b64'] }`. In the compact form the payload must be UTF-8 text
   * without a `.`, unless it is detached.
   */
  unencodedPayload?: boolean
}

/** A JWS payload: a JSON object, text (signed as UTF-8) or bytes. */
export type JWSPayload = Record<string, unknown> | string | Uint8Array

/**
 * Signs a payload and returns the compact JWS, like python-jose's `jws.sign`. The key's `kid` goes
 * into the header unless `headers` sets one. With `detached`, the payload segment is left empty;
 * with `unencodedPayload` (or `headers: { b64: false, crit: ['b64'] }`) it is not base64url-encoded
 * (RFC 7797).
 *
 * @param payload - a JSON object, text (signed as UTF-8) or bytes
 * @param key - a Key, JWK, PEM, secret or KeyObject that can sign
 * @param opts - the algorithm, extra protected headers, detached and unencoded payloads
 * @returns the compact JWS
 * @throws JWSError, JWSAlgorithmError, InvalidKeyError, JWKError
 *
 * @example
 * ```ts
 * const key = jwk.generate('ES256')
 * const compact = jws.sign({ hello: 'world' }, key, { algorithm: 'ES256' })
 * const detached = jws.sign('payload', key, { detached: true }) // 'eyJ...' + '..' + signature
 * ```
 */
export function sign(payload: JWSPayload, key: KeyInput, opts?: JWSSignOptions): string {
  const options = readOptions(opts)
  const signingKey = resolveSingleKey(key)
  const alg = signingAlgorithm(options.algorithm, signingKey)
  const headers =
    options.unencodedPayload === true ? withUnencoded(options.headers) : options.headers
  const header = buildHeader(alg, signingKey, headers, undefined, { allowUnencoded: true })
  const protectedSegment = encodeHeader(header)
  const encoded = encodePayload(
    payloadBytes(payload),
    header.b64 !== false,
    'compact',
    options.detached === true,
  )
  const sign = signingKey.signerFor(alg, options.insecureAllowWeakKeys === true)
  return `${protectedSegment}.${encoded.member ?? ''}.${sign(signingInput(protectedSegment, encoded))}`
}

/** Resolves the algorithm to sign with: the option, else the key's `alg`, else HS256. */
export function signingAlgorithm(name: string | undefined, key: Key) {
  const chosen = name ?? key.alg ?? 'HS256'
  const alg = getSignatureAlgorithm(chosen)
  if (alg === undefined) {
    const shown = typeof chosen === 'string' ? `"${chosen.slice(0, 32)}"` : `(a ${typeof chosen})`
    throw new JWSAlgorithmError(`cannot sign with the algorithm ${shown}`)
  }
  return alg
}

/**
 * Builds a protected header: `typ` (if given), the caller's members, the key's `kid`, then `alg`.
 * `crit` and `b64` are checked as verification will check them: by default as for a JWT, where
 * `b64: false` is refused; with `allowUnencoded`, as for a JWS (RFC 7797).
 */
export function buildHeader(
  alg: { name: string },
  key: Key,
  headers: Record<string, unknown> | undefined,
  typ: string | undefined,
  critical: CriticalOptions = {},
): Record<string, unknown> {
  if (headers !== undefined && !isJsonObject(headers))
    throw new JWSError('headers must be an object')
  const header: Record<string, unknown> = { alg: alg.name }
  if (typ !== undefined) header.typ = typ
  if (key.kid !== undefined) header.kid = key.kid
  Object.assign(header, headers)
  header.alg = alg.name
  if (header.crit !== undefined || header.b64 !== undefined) {
    // The names the caller lists are the extensions it means to use; b64 is this library's own.
    const names = Array.isArray(header.crit) ? (header.crit as string[]) : []
    const extensions = understoodExtensions(names.filter((name) => name !== 'b64'))
    checkCriticalJWS(header, extensions, critical)
  }
  return header
}

/** Encodes a protected header; headers holding values JSON cannot represent are refused. */
export function encodeHeader(header: Record<string, unknown>): string {
  const json = stringifyJson(header)
  if (json === undefined) throw new JWSError('the header cannot be serialized as JSON')
  return encodeBase64url(json)
}
