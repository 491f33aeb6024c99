import type { Buffer } from 'node:buffer'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { resolveLimits, type Limits } from '../internal/limits.js'
import { readOptions } from '../internal/options.js'
import { allowedAlgorithm, resolveAllowed } from './algorithms.js'
import { splitCompact } from './compact.js'
import { checkCriticalJWS, understoodExtensions } from './header.js'
import { detachedOption, readPayload, signingInput } from './payload.js'
import { verifySignature } from './verify-signature.js'

/**
 * Options for {@link verify}.
 *
 * @example
 * ```ts
 * jws.verify(compact, key, ['ES256'], { detachedPayload: document, limits: { maxTokenLength: 8192 } })
 * ```
 */
export interface JWSVerifyOptions {
  /** Limits on the token's size and nesting. */
  limits?: Limits
  /** Header extensions (names in `crit`) that the caller processes itself. */
  crit?: readonly string[]
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
  /**
   * The payload of a JWS made with detached content (RFC 7515 appendix F), whose payload segment
   * is empty; text is taken as UTF-8. A JWS that carries a payload of its own is then refused.
   */
  detachedPayload?: string | Uint8Array
}

/**
 * Verifies a compact JWS and returns its payload bytes, like python-jose's `jws.verify`. The token's
 * `alg` must be in `algorithms` (or be the key's own `alg` when `algorithms` is omitted); the header
 * never chooses the key or its type. `none` is never accepted. Unencoded payloads (RFC 7797,
 * `b64: false`) are accepted when `crit` lists `b64`; detached content is passed as
 * `detachedPayload`.
 *
 * @param token - the compact JWS
 * @param key - a Key, KeySet, JWK, JWKS, PEM, secret or KeyObject
 * @param algorithms - the algorithms accepted
 * @param opts - limits, extensions and a detached payload
 * @returns the payload (for detached content: the detached payload, once verified)
 * @throws JWSError (malformed), JWSAlgorithmError, JWSSignatureError, InvalidKeyError, JWKError
 *
 * @example
 * ```ts
 * const compact = jws.sign({ a: 1 }, key, { algorithm: 'ES256' })
 * const bytes = jws.verify(compact, publicKey, ['ES256'])
 *
 * const detached = jws.sign('payload', key, { algorithm: 'ES256', detached: true })
 * jws.verify(detached, publicKey, ['ES256'], { detachedPayload: 'payload' })
 * ```
 */
export function verify(
  token: string,
  key: KeyInput,
  algorithms?: string | readonly string[],
  opts?: JWSVerifyOptions,
): Buffer {
  const options = readOptions(opts)
  const limits = resolveLimits(options.limits)
  const resolved = resolveKey(key)
  const allowed = resolveAllowed(algorithms, resolved)
  const detached = detachedOption(options.detachedPayload)
  const parts = splitCompact(token, limits)
  const b64 = checkCriticalJWS(parts.header, understoodExtensions(options.crit), {
    allowUnencoded: true,
  })
  const payload = readPayload(parts.payloadSegment, b64, detached, 'compact')
  const alg = allowedAlgorithm(parts.header, allowed)
  const headerSegment = parts.signingInput.slice(0, parts.signingInput.indexOf('.'))
  verifySignature(
    resolved,
    alg,
    parts.header,
    signingInput(headerSegment, payload),
    parts.signatureSegment,
    options.insecureAllowWeakKeys === true,
  )
  return payload.bytes
}
