// The compiled async verifier: createVerifier's idea (options, key and allow-list dealt with once)
// for keys that must be fetched and signatures checked on the thread pool.
import { InvalidOptionsError, toJWTError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'
import { allowedAlgorithm } from '../jws/algorithms.js'
import { understoodExtensions } from '../jws/header.js'
import { parseToken, readClaims } from './decode.js'
import type { Claims } from './payload.js'
import { compilePolicy, type ClaimOptions } from './policy.js'
import {
  allowedFor,
  resolveSource,
  verifySignatureAsync,
  type AsyncKeyInput,
} from './verify-async.js'

/**
 * Options for {@link createAsyncVerifier}: `jwt.decode`'s options, plus the key.
 *
 * @example
 * ```ts
 * const options: AsyncVerifierOptions = { key: remoteKeys, algorithms: ['ES256'], audience: 'api' }
 * ```
 */
export interface AsyncVerifierOptions extends ClaimOptions {
  /** A remote key set (`jwk.createRemoteKeySet`), or any key `jwt.decode` accepts. */
  key: AsyncKeyInput
  /** The algorithms accepted: required with a remote key set, or unless every key has an `alg`. */
  algorithms?: string | readonly string[]
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Verifies a compact JWT and resolves to its claims; rejects with a JWTError.
 *
 * @example
 * ```ts
 * const verify: AsyncVerifier = jwt.createAsyncVerifier({ key, algorithms: ['RS256'] })
 * const claims = await verify(token)
 * ```
 */
export type AsyncVerifier = (token: string) => Promise<Claims>

/**
 * Compiles an async verifier: the options, the key import and the allow-list are checked here,
 * once; each call then runs `jwt.decodeAsync`'s checks. Give it a remote key set to follow a key
 * server's rotations. Throws a JWTError now for options of the wrong shape.
 *
 * @example
 * ```ts
 * const verify = jwt.createAsyncVerifier({
 *   key: jwk.createRemoteKeySet('https://id.example/.well-known/jwks.json'),
 *   algorithms: ['RS256', 'ES256'],
 *   issuer: 'https://id.example',
 *   audience: 'api',
 * })
 * const claims = await verify(token)
 * ```
 */
export function createAsyncVerifier(options: AsyncVerifierOptions): AsyncVerifier {
  try {
    if (!isJsonObject(options)) throw new InvalidOptionsError('options must be an object')
    const policy = compilePolicy(options)
    if (!policy.verifySignature) {
      throw new InvalidOptionsError(
        'a compiled verifier always checks signatures; read unverified claims with jwt.getUnverifiedClaims',
      )
    }
    const source = resolveSource(options.key)
    const allowed = allowedFor(options.algorithms, source)
    const extensions = understoodExtensions(policy.crit)
    const insecure = options.insecureAllowWeakKeys === true
    return async (token) => {
      try {
        const parts = parseToken(token, policy, extensions)
        const alg = allowedAlgorithm(parts.header, allowed)
        const used = await verifySignatureAsync(
          source,
          alg,
          parts.header,
          parts.signingInput,
          parts.signatureSegment,
          insecure,
        )
        return readClaims(policy, parts, { alg, crv: used.crv })
      } catch (err) {
        throw toJWTError(err)
      }
    }
  } catch (err) {
    throw toJWTError(err)
  }
}
