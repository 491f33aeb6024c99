import type { Buffer } from 'node:buffer'
import { readOptions } from '../internal/options.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { parseCompactJWE } from './compact.js'
import { decryptParts } from './decrypt-parts.js'
import { compileDecryptPolicy, type JWEDecryptOptions } from './policy.js'

/**
 * Decrypts a compact JWE and returns its plaintext, like python-jose's `jwe.decrypt`. The token's
 * `alg` and `enc` must be in `algorithms` and `encryptions` (by default: the key's own, else every
 * algorithm but RSA1_5 and PBES2, which are off unless named); the key must be of the type `alg`
 * needs. The header never chooses the key: a `jwk`, `jku` or `x5u` in it is never used.
 *
 * @param token - the compact JWE
 * @param key - a Key, KeySet, JWK, JWKS, PEM, secret, password or KeyObject
 * @param opts - allow-lists, limits, zip caps, PBES2 bounds
 * @returns the plaintext bytes
 * @throws JWEError, JWEAlgorithmError, JWEDecryptionError, JWELimitError, JWENotSupportedError,
 *   InvalidKeyError, JWKError
 *
 * @example
 * ```ts
 * const bytes = jwe.decrypt(token, 'asecret128bitkey')
 * bytes.toString() // 'This is sensitive information'
 * jwe.decrypt(token, privateKey, { algorithms: ['RSA-OAEP-256'], encryptions: ['A256GCM'] })
 * ```
 */
export function decrypt(token: string, key: KeyInput, opts?: JWEDecryptOptions): Buffer {
  const options = readOptions(opts)
  const resolved = resolveKey(key)
  const policy = compileDecryptPolicy(options, resolved)
  return decryptParts(parseCompactJWE(token, policy.limits, true), resolved, policy).plaintext
}
