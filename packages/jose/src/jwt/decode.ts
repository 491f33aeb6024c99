import { readOptions } from '../internal/options.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { allowedAlgorithm, resolveAllowed } from '../jws/algorithms.js'
import { parseCompact, type CompactParts } from '../jws/compact.js'
import { checkCritical, understoodExtensions } from '../jws/header.js'
import { verifySignature } from '../jws/verify-signature.js'
import { toJWTError } from '../errors.js'
import { checkClaims, type SignedWith } from './claims.js'
import { parseClaims, type Claims } from './payload.js'
import { compilePolicy, type ClaimOptions, type ClaimPolicy } from './policy.js'

/** Options for {@link decode}: python-jose's arguments, camel-cased, plus limits. */
export interface DecodeOptions extends ClaimOptions {
  /**
   * The algorithms accepted. Required, unless the key (or every key of a set) has its own `alg`.
   * `none` is never accepted.
   */
  algorithms?: string | readonly string[]
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Verifies a JWT and returns its claims, like python-jose's `jwt.decode`. Every check is on by
 * default; `audience`, `issuer` and `subject`, when given, make their claim required. Everything it
 * throws is a {@link JWTError}.
 *
 * @param token - the compact JWT
 * @param key - a Key, KeySet, JWK, JWKS, PEM text, secret or KeyObject (imports are cached)
 * @param options - algorithms, expected claims, leeway and switches
 * @returns the claims
 *
 * @example
 * ```ts
 * const claims = jwt.decode(token, publicKeyPem, {
 *   algorithms: ['RS256'],
 *   audience: 'api',
 *   issuer: 'https://id.example',
 * })
 * ```
 */
export function decode(token: string, key: KeyInput, opts?: DecodeOptions): Claims {
  try {
    const options = readOptions(opts)
    const policy = compilePolicy(options)
    const parts = parseToken(token, policy)
    let signedWith: SignedWith | undefined
    if (policy.verifySignature) {
      const resolved = resolveKey(key)
      const alg = allowedAlgorithm(parts.header, resolveAllowed(options.algorithms, resolved))
      const used = verifySignature(
        resolved,
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

/**
 * The first step of every decode (sync and async): split the token under the policy's limits and
 * check `crit`. Throws JWSError.
 */
export function parseToken(
  token: unknown,
  policy: ClaimPolicy,
  extensions?: ReadonlySet<string>,
): CompactParts {
  const parts = parseCompact(token, policy.limits)
  checkCritical(parts.header, extensions ?? understoodExtensions(policy.crit))
  return parts
}

/** The last step of every decode: parse the payload and check the claims under the policy. */
export function readClaims(
  policy: ClaimPolicy,
  parts: CompactParts,
  signedWith: SignedWith | undefined,
): Claims {
  const claims = parseClaims(parts.payloadSegment, policy.limits)
  checkClaims(policy, parts.header, claims, signedWith)
  return claims
}
