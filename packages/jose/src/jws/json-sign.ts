// Signing in the JWS JSON Serialization (RFC 7515 section 7.2): one payload, one or more signatures,
// each with its own protected and unprotected header. `alg` is always protected.
import { isJsonObject, parseJson, stringifyJson } from '../internal/json.js'
import type { SignFn } from '../algorithms/signer.js'
import { readOptions } from '../internal/options.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import { InvalidOptionsError, JWSError } from '../errors.js'
import type { FlattenedJWS, GeneralJWS, JWSJSONSignature } from './json-parse.js'
import { encodePayload, payloadBytes, signingInput, withUnencoded } from './payload.js'
import { buildHeader, encodeHeader, signingAlgorithm, type JWSPayload } from './sign.js'

/**
 * One signature to make with {@link signJSON}.
 *
 * @example
 * ```ts
 * const signer: jws.JWSJSONSigner = { key, algorithm: 'RS256', unprotectedHeader: { kid: 'k1' } }
 * ```
 */
export interface JWSJSONSigner {
  /** A Key, JWK, PEM, secret or KeyObject that can sign. */
  key: KeyInput
  /** The algorithm; defaults to the key's own `alg`, else HS256 (as `jws.sign`). */
  algorithm?: string
  /**
   * Extra protected header members. `alg` is always the algorithm used, and the key's `kid` is
   * added unless either header sets `kid`.
   */
  protectedHeader?: Record<string, unknown>
  /**
   * The unprotected header (`header`): not covered by the signature. Its names must differ from the
   * protected header's, and it may not hold `alg`, `crit` or `b64`.
   */
  unprotectedHeader?: Record<string, unknown>
}

/**
 * Options for {@link signJSON}.
 *
 * @example
 * ```ts
 * jws.signJSON(bytes, [{ key }], { flattened: true, detached: true, unencodedPayload: true })
 * ```
 */
export interface JWSJSONSignOptions {
  /** Return the flattened syntax (exactly one signer) instead of the general one. */
  flattened?: boolean
  /** Leave out the `payload` member (RFC 7515 appendix F); verify with `detachedPayload`. */
  detached?: boolean
  /**
   * Sign the payload unencoded (RFC 7797): `b64: false`, listed in `crit`, in every protected
   * header. The payload must then be UTF-8 text, unless it is detached.
   */
  unencodedPayload?: boolean
  /** Sign with keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Signs a payload once per signer and returns the JWS JSON Serialization: general by default,
 * flattened with `flattened: true` (one signer). Every protected header carries `alg`; `b64: false`
 * (RFC 7797), given by `unencodedPayload` or in the protected headers, must be the same for all.
 *
 * @param payload - a JSON object, text (signed as UTF-8) or bytes
 * @param signers - one entry per signature: key, algorithm, protected and unprotected headers
 * @param opts - flattened, detached, unencoded
 * @returns the JWS as an object, ready for `JSON.stringify`
 * @throws InvalidOptionsError, JWSError, JWSAlgorithmError, InvalidKeyError, JWKError
 *
 * @example
 * ```ts
 * const general = jws.signJSON({ hello: 'world' }, [
 *   { key: rsaKey, algorithm: 'RS256', unprotectedHeader: { kid: 'rsa-1' } },
 *   { key: ecKey, algorithm: 'ES512' },
 * ])
 * const flat = jws.signJSON('text', [{ key: hmacKey }], { flattened: true, detached: true })
 * ```
 */
export function signJSON(
  payload: JWSPayload,
  signers: readonly JWSJSONSigner[],
  opts: JWSJSONSignOptions & { flattened: true },
): FlattenedJWS
export function signJSON(
  payload: JWSPayload,
  signers: readonly JWSJSONSigner[],
  opts?: JWSJSONSignOptions & { flattened?: false },
): GeneralJWS
export function signJSON(
  payload: JWSPayload,
  signers: readonly JWSJSONSigner[],
  opts?: JWSJSONSignOptions,
): GeneralJWS | FlattenedJWS
export function signJSON(
  payload: JWSPayload,
  signers: readonly JWSJSONSigner[],
  opts?: JWSJSONSignOptions,
): GeneralJWS | FlattenedJWS {
  const options = readOptions(opts)
  if (!Array.isArray(signers) || signers.length === 0) {
    throw new InvalidOptionsError('signers must be a non-empty array')
  }
  if (options.flattened === true && signers.length !== 1) {
    throw new InvalidOptionsError('the flattened syntax holds exactly one signature')
  }
  const insecure = options.insecureAllowWeakKeys === true
  const unencoded = options.unencodedPayload === true
  const prepared = signers.map((signer) => prepareSigner(signer, unencoded, insecure))
  const b64 = prepared[0]!.b64
  if (prepared.some((signer) => signer.b64 !== b64)) {
    throw new JWSError('every signature must give "b64" the same value (RFC 7797 section 3)')
  }
  const encoded = encodePayload(payloadBytes(payload), b64, 'json', options.detached === true)
  // Members in the order of RFC 7515 section 7.2: payload, then protected, header, signature.
  const signatures = prepared.map(
    ({ sign, protectedSegment, unprotectedHeader }): JWSJSONSignature => ({
      protected: protectedSegment,
      ...(unprotectedHeader !== undefined && { header: unprotectedHeader }),
      signature: sign(signingInput(protectedSegment, encoded)),
    }),
  )
  const withPayload = encoded.member === undefined ? {} : { payload: encoded.member }
  return options.flattened === true
    ? { ...withPayload, ...signatures[0]! }
    : { ...withPayload, signatures }
}

interface PreparedSigner {
  b64: boolean
  protectedSegment: string
  unprotectedHeader: Record<string, unknown> | undefined
  sign: SignFn
}

function prepareSigner(
  signer: JWSJSONSigner,
  unencoded: boolean,
  insecure: boolean,
): PreparedSigner {
  if (!isJsonObject(signer)) throw new InvalidOptionsError('each signer must be an object')
  const key = resolveSingleKey(signer.key)
  const alg = signingAlgorithm(signer.algorithm, key)
  const unprotectedHeader = copyUnprotected(signer.unprotectedHeader)
  const headers = unencoded ? withUnencoded(signer.protectedHeader) : signer.protectedHeader
  const header = buildHeader(alg, key, headers, undefined, { allowUnencoded: true })
  // The key's kid goes where the caller put kid, if anywhere: 4_6 of RFC 7520 leaves it unprotected.
  if (unprotectedHeader !== undefined && Object.hasOwn(unprotectedHeader, 'kid')) {
    if (headers === undefined || !Object.hasOwn(headers, 'kid')) delete header.kid
  }
  for (const name of Object.keys(unprotectedHeader ?? {})) {
    if (Object.hasOwn(header, name)) {
      throw new JWSError(
        `"${name.slice(0, 32)}" cannot be in both the protected and the unprotected header`,
      )
    }
  }
  return {
    b64: header.b64 !== false,
    protectedSegment: encodeHeader(header),
    unprotectedHeader,
    sign: key.signerFor(alg, insecure),
  }
}

// A copy of an unprotected header as JSON would carry it; `crit` and `b64` must be protected.
function copyUnprotected(header: unknown): Record<string, unknown> | undefined {
  if (header === undefined) return undefined
  const text = isJsonObject(header) ? stringifyJson(header) : undefined
  const copy = text === undefined ? undefined : parseJson(text)
  if (!isJsonObject(copy)) throw new JWSError('unprotectedHeader must be a JSON object')
  for (const name of ['crit', 'b64']) {
    if (Object.hasOwn(copy, name)) {
      throw new JWSError(`"${name}" must be in the protected header, never unprotected`)
    }
  }
  return copy
}
