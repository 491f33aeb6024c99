import { resolveKey, type KeyInput } from '../keys/import.js'
import { Key } from '../keys/key.js'
import { KeySet } from '../keys/key-set.js'
import { JWKError } from '../errors.js'
import { readOptions, shownName } from '../internal/options.js'

/** Options for {@link construct}. */
export interface ConstructOptions {
  /** Key id to set (overrides one in the input). */
  kid?: string
  /**
   * Accept a key that is too weak for its algorithm (RSA under 2048 bits, short HMAC secrets).
   * Insecure: only for legacy systems you cannot change.
   */
  insecureAllowWeakKeys?: boolean
}

/**
 * Imports key material into a Key, like python-jose's `jwk.construct`. With an algorithm, the key is
 * bound to it: it refuses every other algorithm, and a key of the wrong type or too weak for it is
 * refused now rather than at first use.
 *
 * @param keyData - a JWK, PEM text, secret text or bytes, KeyObject or Key
 * @param algorithm - the algorithm to bind the key to
 *
 * @example
 * ```ts
 * const key = jwk.construct(pemText, 'RS256')
 * const hmacKey = jwk.construct({ kty: 'oct', k: 'GawgguFyGrWKav7AX4VKUg...' }, 'HS256')
 * ```
 */
export function construct(keyData: KeyInput, algorithm?: string, opts?: ConstructOptions): Key {
  const options = readOptions(opts)
  const resolved = resolveKey(keyData)
  if (resolved instanceof KeySet) throw new JWKError('jwk.construct takes one key, not a key set')
  if (algorithm !== undefined && resolved.alg !== undefined && resolved.alg !== algorithm) {
    throw new JWKError(`the key is bound to ${resolved.alg}, not ${shownName(algorithm)}`)
  }
  const key = new Key(resolved.keyObject, {
    kid: options.kid ?? resolved.kid,
    use: resolved.use,
    keyOps: resolved.keyOps,
    alg: algorithm ?? resolved.alg,
    insecureAllowWeakKeys: options.insecureAllowWeakKeys === true || resolved.insecureAllowWeakKeys,
  })
  key.assertStrongEnough()
  return key
}
