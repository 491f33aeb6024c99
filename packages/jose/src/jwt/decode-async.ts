// jwt.decode for keys that must be fetched (remote key sets) and signatures checked off the event
// loop. The steps are jwt.decode's own; only the signature step awaits.
import { toJWTError } from '../errors.js'
import { readOptions } from '../internal/options.js'
import { allowedAlgorithm } from '../jws/algorithms.js'
import type { SignedWith } from './claims.js'
import { parseToken, readClaims, type DecodeOptions } from './decode.js'
import type { Claims } from './payload.js'
import { compilePolicy } from './policy.js'
import {
  allowedFor,
  resolveSource,
  verifySignatureAsync,
  type AsyncKeyInput,
} from './verify-async.js'

/**
 * Verifies a JWT and resolves to its claims, like `jwt.decode` with the same options, checks and
 * errors, plus two things `decode` cannot do: the key may be a remote key set
 * (`jwk.createRemoteKeySet`), whose keys are fetched, cached and refreshed when a token names a new
 * `kid`; and RSA, ECDSA and EdDSA signatures are checked on libuv's thread pool, off the event
 * loop. With a remote key set, `algorithms` is required. Everything it rejects with is a
 * JWTError; a key set that cannot be fetched at all gives `ERR_JWT_KEYS_UNAVAILABLE`.
 *
 * @param token - the compact JWT
 * @param key - a remote key set, or anything `jwt.decode` accepts
 * @param options - as for `jwt.decode`
 * @returns the claims
 *
 * @example
 * ```ts
 * const keys = jwk.createRemoteKeySet('https://id.example/.well-known/jwks.json')
 * const claims = await jwt.decodeAsync(token, keys, {
 *   algorithms: ['RS256'],
 *   audience: 'api',
 *   issuer: 'https://id.example',
 * })
 * ```
 */
export async function decodeAsync(
  token: string,
  key: AsyncKeyInput,
  opts?: DecodeOptions,
): Promise<Claims> {
  try {
    const options = readOptions(opts)
    const policy = compilePolicy(options)
    const parts = parseToken(token, policy)
    let signedWith: SignedWith | undefined
    if (policy.verifySignature) {
      const source = resolveSource(key)
      const alg = allowedAlgorithm(parts.header, allowedFor(options.algorithms, source))
      const used = await verifySignatureAsync(
        source,
        alg,
        parts.header,
        parts.signingInput,
        parts.signatureSegment,
        options.insecureAllowWeakKeys === true,
      )
      signedWith = { alg, crv: used.crv }
    }
    return readClaims(policy, parts, signedWith)
  } catch (err) {
    throw toJWTError(err)
  }
}
