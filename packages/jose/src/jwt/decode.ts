import type { Buffer } from 'node:buffer'
import { deepFreeze } from '../internal/json.js'
import { readOptions } from '../internal/options.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { allowedAlgorithm, resolveAllowed } from '../jws/algorithms.js'
import { parseHeaderSegment } from '../jws/compact.js'
import { checkCritical, understoodExtensions } from '../jws/header.js'
import { verifySignature } from '../jws/verify-signature.js'
import { JWSAlgorithmError, JWSError, toJWTError } from '../errors.js'
import { decodeBase64url } from '../internal/base64url.js'
import { DEFAULT_LIMITS } from '../internal/limits.js'
import { LruCache } from '../internal/lru.js'
import { checkClaims, type SignedWith } from './claims.js'
import { parseClaimsBytes, type Claims } from './payload.js'
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

// An unsecured token is read only by jwt.decodeUnsecured. Refused here, before any switch: with
// verifySignature false no allow-list is consulted, and `none` must still never pass.
function refuseUnsecured(header: Record<string, unknown>): void {
  if (typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') {
    throw new JWSAlgorithmError(
      '"none" is never accepted here; use jwt.decodeUnsecured for unsecured tokens',
    )
  }
}

/** A JWT split, with its header parsed and checked and its payload decoded (not yet parsed). */
export interface TokenParts {
  header: Record<string, unknown>
  signingInput: string
  signatureSegment: string
  payload: Buffer
}

// Parsed and checked headers by segment: a service sees the same few headers over and over. Used
// only under the default limits and with no extensions, where a header's checks depend on nothing
// but its text. The headers are frozen, since every decode with that header shares one.
const headerCache = new LruCache<string, Record<string, unknown>>(256)

/**
 * The first step of every decode (sync and async): split the token under the policy's limits, parse
 * and check the header (`crit`, no `none`), and strictly decode the payload. Throws JWSError.
 */
export function parseToken(
  token: unknown,
  policy: ClaimPolicy,
  extensions?: ReadonlySet<string>,
): TokenParts {
  const understood = extensions ?? understoodExtensions(policy.crit)
  const cacheable = policy.limits === DEFAULT_LIMITS && understood.size === 0
  if (typeof token !== 'string') throw new JWSError('a JWS must be a string')
  if (token.length > policy.limits.maxTokenLength) {
    throw new JWSError(`the token is longer than ${policy.limits.maxTokenLength} characters`)
  }
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new JWSError('a compact JWS has exactly three segments')
  }
  const segment = token.slice(0, first)
  let header = cacheable ? headerCache.get(segment) : undefined
  if (header === undefined) {
    header = parseHeaderSegment(segment, policy.limits)
    checkCritical(header, understood)
    refuseUnsecured(header)
    if (cacheable) headerCache.set(segment, deepFreeze(header))
  }
  const payload = decodeBase64url(token.slice(first + 1, second))
  if (payload === undefined) throw new JWSError('the payload is not base64url')
  return {
    header,
    signingInput: token.slice(0, second),
    signatureSegment: token.slice(second + 1),
    payload,
  }
}

/** The last step of every decode: parse the payload and check the claims under the policy. */
export function readClaims(
  policy: ClaimPolicy,
  parts: TokenParts,
  signedWith: SignedWith | undefined,
): Claims {
  const claims = parseClaimsBytes(parts.payload, policy.limits)
  checkClaims(policy, parts.header, claims, signedWith)
  return claims
}
