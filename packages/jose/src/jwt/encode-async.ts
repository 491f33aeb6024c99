// jwt.encode with the signature computed on libuv's thread pool for RSA, ECDSA and EdDSA keys.
import { signOnThreadPool, runsOnThreadPool } from '../algorithms/thread-pool.js'
import { toJWTError } from '../errors.js'
import type { KeyInput } from '../keys/import.js'
import { prepareEncode, type ClaimsInput, type EncodeOptions } from './encode.js'

/**
 * Signs claims into a compact JWT, like `jwt.encode` with the same options, checks and errors, but
 * computes asymmetric signatures (RSA above all: an RSA-2048 signature costs about a millisecond)
 * on libuv's thread pool, so the event loop keeps serving while it runs. HMAC runs inline. The
 * token is the one `jwt.encode` makes (byte for byte, for deterministic algorithms).
 *
 * @param claims - the claims; `exp`, `nbf` and `iat` may be Dates
 * @param key - the signing key: a Key, JWK, PEM, secret or KeyObject
 * @param options - as for `jwt.encode`
 * @returns the compact JWT
 *
 * @example
 * ```ts
 * const token = await jwt.encodeAsync({ sub: 'u1', exp: new Date(Date.now() + 9e5) }, rsaKey, {
 *   algorithm: 'RS256',
 * })
 * ```
 */
export async function encodeAsync(
  claims: ClaimsInput,
  key: KeyInput,
  opts?: EncodeOptions,
): Promise<string> {
  try {
    const { signingInput, key: signingKey, alg, insecure } = prepareEncode(claims, key, opts)
    // The key checks (type, curve, alg, use, key_ops, a private half, strength) are signerFor's.
    const sign = signingKey.signerFor(alg, insecure)
    const signature = runsOnThreadPool(alg)
      ? await signOnThreadPool(alg, signingKey.keyObject, signingInput)
      : sign(signingInput)
    return `${signingInput}.${signature}`
  } catch (err) {
    throw toJWTError(err)
  }
}
