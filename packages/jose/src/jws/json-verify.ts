// Verification of the JWS JSON Serialization (RFC 7515 section 7.2): the first signature that
// verifies with the caller's key under the caller's allow-list wins; the others are never trusted.
import type { Buffer } from 'node:buffer'
import { resolveKey, type KeyInput } from '../keys/import.js'
import type { Key } from '../keys/key.js'
import { readOptions } from '../internal/options.js'
import { InvalidKeyError, JWSAlgorithmError, JWSSignatureError } from '../errors.js'
import { allowedAlgorithm, resolveAllowed } from './algorithms.js'
import { understoodExtensions } from './header.js'
import {
  parseJSONJWS,
  resolveJSONLimits,
  type FlattenedJWS,
  type GeneralJWS,
  type JWSJSONLimits,
} from './json-parse.js'
import { detachedOption, readPayload, signingInput } from './payload.js'
import { verifySignature } from './verify-signature.js'

/**
 * Options for {@link verifyJSON}.
 *
 * @example
 * ```ts
 * jws.verifyJSON(signed, key, ['HS256'], { detachedPayload: document, crit: ['exp'] })
 * ```
 */
export interface JWSJSONVerifyOptions {
  /** Limits on the JWS: its length, its headers, their nesting, the number of signatures. */
  limits?: JWSJSONLimits
  /** Header extensions (names in `crit`) that the caller processes itself. */
  crit?: readonly string[]
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
  /**
   * The payload of a JWS with detached content (RFC 7515 appendix F), which has no `payload`
   * member; text is taken as UTF-8. A JWS that carries a payload of its own is then refused.
   */
  detachedPayload?: string | Uint8Array
}

/**
 * What {@link verifyJSON} returns: the payload, and which signature verified it.
 *
 * @example
 * ```ts
 * const { payload, signatureIndex, protectedHeader } = jws.verifyJSON(signed, key, ['ES256'])
 * ```
 */
export interface JWSJSONVerifyResult {
  /** The payload bytes (for detached content: the detached payload, now verified). */
  payload: Buffer
  /** The protected header of the signature that verified; undefined when it has none. */
  protectedHeader: Record<string, unknown> | undefined
  /**
   * The unprotected header of that signature; undefined when it has none. The signature does not
   * cover it: trust nothing in it beyond what choosing a key needs.
   */
  unprotectedHeader: Record<string, unknown> | undefined
  /** The index of that signature in `signatures` (0 for a flattened JWS). */
  signatureIndex: number
  /** The key that verified it (from a key set: the one chosen). */
  key: Key
}

/**
 * Verifies a JWS in the JSON Serialization, general or flattened, given as an object or as JSON
 * text, and returns its payload with the signature that verified. Signatures are tried in order;
 * one whose `alg` is not in `algorithms`, that no key can verify, or that the key is too weak for,
 * is skipped, never trusted.
 * Every signature must be well formed (disjoint protected and unprotected headers, `crit` and
 * `b64` protected, the same `b64` throughout, strict base64url), or the whole JWS is refused.
 *
 * `alg` may sit in an unprotected header (RFC 7520 section 4.7): it must still be in `algorithms`
 * and fit the key, but the signature does not cover it.
 *
 * @param jws - the JWS, as an object or JSON text
 * @param key - a Key, KeySet, JWK, JWKS, PEM, secret or KeyObject; a set is narrowed by `kid`
 * @param algorithms - the algorithms accepted (default: the key's own `alg`)
 * @param opts - limits, extensions and a detached payload
 * @returns the payload, the headers of the signature that verified, its index and its key
 * @throws JWSError (malformed), JWSAlgorithmError (no signature uses an allowed algorithm),
 *   JWSSignatureError (none verifies), InvalidKeyError (the key is too weak for every signature),
 *   JWKError, InvalidOptionsError
 *
 * @example
 * ```ts
 * const signed = jws.signJSON('payload', [{ key: rsaKey }, { key: ecKey }])
 * const { payload, signatureIndex } = jws.verifyJSON(signed, ecKey.publicKey(), ['ES256'])
 * // payload.toString() === 'payload', signatureIndex === 1
 * ```
 */
export function verifyJSON(
  jws: GeneralJWS | FlattenedJWS | string,
  key: KeyInput,
  algorithms?: string | readonly string[],
  opts?: JWSJSONVerifyOptions,
): JWSJSONVerifyResult {
  const options = readOptions(opts)
  const limits = resolveJSONLimits(options.limits)
  const resolved = resolveKey(key)
  const allowed = resolveAllowed(algorithms, resolved)
  const detached = detachedOption(options.detachedPayload)
  const parsed = parseJSONJWS(jws, limits, understoodExtensions(options.crit))
  const payload = readPayload(parsed.payload, parsed.b64, detached, 'json')
  const failures: JWSAlgorithmError[] = []
  const mismatches: JWSSignatureError[] = []
  const weak: InvalidKeyError[] = []
  for (const [index, signature] of parsed.signatures.entries()) {
    try {
      const alg = allowedAlgorithm(signature.header, allowed)
      const verifiedBy = verifySignature(
        resolved,
        alg,
        signature.header,
        signingInput(signature.protectedSegment, payload),
        signature.signature,
        options.insecureAllowWeakKeys === true,
      )
      return {
        payload: payload.bytes,
        protectedHeader: signature.protectedHeader,
        unprotectedHeader: signature.unprotectedHeader,
        signatureIndex: index,
        key: verifiedBy,
      }
    } catch (err) {
      if (err instanceof JWSAlgorithmError) failures.push(err)
      else if (err instanceof JWSSignatureError) mismatches.push(err)
      // The key (or every candidate of the set) is too weak for this signature's algorithm: skip
      // it, as a set skips a weak key, for another signature may be one a strong key made.
      else if (err instanceof InvalidKeyError) weak.push(err)
      else throw err
    }
  }
  throw noSignatureVerifies(parsed.signatures.length, failures, mismatches, weak)
}

// When every signature was skipped as too weak, the first one's InvalidKeyError (as jws.verify
// throws when every candidate is); else, with one signature, its own error (as for a compact
// JWS); with several, a summary.
function noSignatureVerifies(
  count: number,
  failures: JWSAlgorithmError[],
  mismatches: JWSSignatureError[],
  weak: InvalidKeyError[],
): JWSAlgorithmError | JWSSignatureError | InvalidKeyError {
  if (weak.length === count) return weak[0]!
  if (count === 1) return failures[0] ?? mismatches[0]!
  if (mismatches.length === 0 && weak.length === 0) {
    return new JWSAlgorithmError(`none of the ${count} signatures uses an allowed algorithm`, {
      cause: failures[0],
    })
  }
  return new JWSSignatureError(`none of the ${count} signatures verifies with the key`, {
    cause: mismatches[0] ?? weak[0],
  })
}
