import type { Buffer } from 'node:buffer'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { resolveLimits, type Limits } from '../internal/limits.js'
import { readOptions } from '../internal/options.js'
import { allowedAlgorithm, resolveAllowed } from './algorithms.js'
import { decodePayload, parseCompact } from './compact.js'
import { checkCritical, understoodExtensions } from './header.js'
import { verifySignature } from './verify-signature.js'

/** Options for {@link verify}. */
export interface JWSVerifyOptions {
  /** Limits on the token's size and nesting. */
  limits?: Limits
  /** Header extensions (names in `crit`) that the caller processes itself. */
  crit?: readonly string[]
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Verifies a compact JWS and returns its payload bytes, like python-jose's `jws.verify`. The token's
 * `alg` must be in `algorithms` (or be the key's own `alg` when `algorithms` is omitted); the header
 * never chooses the key or its type. `none` is never accepted.
 *
 * @param token - the compact JWS
 * @param key - a Key, KeySet, JWK, JWKS, PEM, secret or KeyObject
 * @param algorithms - the algorithms accepted
 * @param options - limits and extensions
 * @returns the payload
 * @throws JWSError (malformed), JWSAlgorithmError, JWSSignatureError, InvalidKeyError, JWKError
 *
 * @example
 * ```ts
 * const compact = jws.sign({ a: 1 }, key, { algorithm: 'ES256' })
 * const bytes = jws.verify(compact, publicKey, ['ES256'])
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
  const parts = parseCompact(token, limits)
  checkCritical(parts.header, understoodExtensions(options.crit))
  const alg = allowedAlgorithm(parts.header, allowed)
  verifySignature(
    resolved,
    alg,
    parts.header,
    parts.signingInput,
    parts.signatureSegment,
    options.insecureAllowWeakKeys === true,
  )
  return decodePayload(parts.payloadSegment)
}
