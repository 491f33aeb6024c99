// The compiled verifying path: key import, the allow-list, the key checks and the claim policy are
// done once; each distinct header is parsed once; a bounded cache can skip repeated tokens.
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { isBase64url } from '../internal/base64url.js'
import { isJsonObject } from '../internal/json.js'
import { LruCache } from '../internal/lru.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { allowedAlgorithm, resolveAllowed, type AllowedAlgorithms } from '../jws/algorithms.js'
import { parseHeaderSegment } from '../jws/compact.js'
import { checkCritical, understoodExtensions } from '../jws/header.js'
import { verifySignature } from '../jws/verify-signature.js'
import { InvalidKeyError, InvalidOptionsError, InvalidTokenError, toJWTError } from '../errors.js'
import { checkClaims, checkTime } from './claims.js'
import { parseClaims, type Claims } from './payload.js'
import { compilePolicy, type ClaimOptions, type ClaimPolicy } from './policy.js'

/** Options for {@link createVerifier}. */
export interface VerifierOptions extends ClaimOptions {
  /** The key or keys: a Key, KeySet, JWK, JWKS, PEM, secret or KeyObject. */
  key: KeyInput
  /** The algorithms accepted; required unless every key has its own `alg`. */
  algorithms?: string | readonly string[]
  /**
   * Cache verified tokens: `true` for 1000 entries, or the number of entries. Keyed on the whole
   * token; a hit re-checks `exp`, `nbf` and `maxTokenAge`. Cached claims are frozen, since later
   * calls share them.
   */
  cache?: boolean | number
  /** Accept keys that are too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** Verifies a compact JWT and returns its claims; throws a JWTError. */
export type Verifier = (token: string) => Claims

// What a distinct protected header resolves to.
interface HeaderPlan {
  header: Record<string, unknown>
  alg: SignatureAlgorithm
}

const HEADER_CACHE_SIZE = 64

/**
 * Compiles a verifier. Everything that depends only on the options (the key import, the allow-list,
 * the key-type and strength checks, the claim policy) is done here, once.
 *
 * @example
 * ```ts
 * const verify = jwt.createVerifier({ key: jwks, algorithms: ['EdDSA'], audience: 'api', cache: 10_000 })
 * const claims = verify(token)
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  try {
    if (!isJsonObject(options)) throw new InvalidOptionsError('options must be an object')
    const policy = compilePolicy(options)
    if (!policy.verifySignature) {
      throw new InvalidOptionsError(
        'a compiled verifier always checks signatures; read unverified claims with jwt.getUnverifiedClaims',
      )
    }
    const key = resolveKey(options.key)
    const allowed = resolveAllowed(options.algorithms, key)
    const insecure = options.insecureAllowWeakKeys === true
    if (key instanceof Key) prepareKey(key, allowed, insecure)
    return compile(policy, key, allowed, insecure, cacheSize(options.cache))
  } catch (err) {
    throw toJWTError(err)
  }
}

function compile(
  policy: ClaimPolicy,
  key: Key | KeySet,
  allowed: AllowedAlgorithms,
  insecure: boolean,
  cacheEntries: number,
): Verifier {
  const { limits } = policy
  const extensions = understoodExtensions(policy.crit)
  const headers = new LruCache<string, HeaderPlan>(HEADER_CACHE_SIZE)
  const tokens = cacheEntries > 0 ? new LruCache<string, Claims>(cacheEntries) : undefined

  const planFor = (segment: string): HeaderPlan => {
    let plan = headers.get(segment)
    if (plan === undefined) {
      const header = parseHeaderSegment(segment, limits)
      checkCritical(header, extensions)
      plan = { header, alg: allowedAlgorithm(header, allowed) }
      headers.set(segment, plan)
    }
    return plan
  }

  return (token) => {
    try {
      if (tokens !== undefined) {
        const hit = tokens.get(token)
        if (hit !== undefined) {
          checkTime(policy, hit)
          return hit
        }
      }
      if (typeof token !== 'string') throw new InvalidTokenError('a JWT must be a string')
      if (token.length > limits.maxTokenLength) {
        throw new InvalidTokenError(`the token is longer than ${limits.maxTokenLength} characters`)
      }
      const first = token.indexOf('.')
      const second = first === -1 ? -1 : token.indexOf('.', first + 1)
      if (second === -1 || token.indexOf('.', second + 1) !== -1) {
        throw new InvalidTokenError('a JWT has exactly three segments')
      }
      const plan = planFor(token.slice(0, first))
      const payloadSegment = token.slice(first + 1, second)
      if (!isBase64url(payloadSegment)) throw new InvalidTokenError('the payload is not base64url')
      const used = verifySignature(
        key,
        plan.alg,
        plan.header,
        token.slice(0, second),
        token.slice(second + 1),
        insecure,
      )
      const claims = parseClaims(payloadSegment, limits)
      checkClaims(policy, plan.header, claims, { alg: plan.alg, crv: used.crv })
      if (tokens !== undefined) tokens.set(token, deepFreeze(claims))
      return claims
    } catch (err) {
      throw toJWTError(err)
    }
  }
}

// Builds the key's verify function for every allowed algorithm it can serve, so the checks run now;
// a key that can serve none of them is a configuration error.
function prepareKey(key: Key, allowed: AllowedAlgorithms, insecure: boolean): void {
  let usable = 0
  for (const alg of allowed.values()) {
    if (key.unusableReason(alg, 'verify') !== undefined) continue
    key.verifierFor(alg, insecure)
    usable++
  }
  if (usable === 0) {
    throw new InvalidKeyError(
      `the key cannot verify any of ${[...allowed.keys()].join(', ')}; check the key type and algorithms`,
    )
  }
}

function cacheSize(cache: unknown): number {
  if (cache === undefined || cache === false) return 0
  if (cache === true) return 1000
  if (typeof cache !== 'number' || !Number.isSafeInteger(cache) || cache < 0) {
    throw new InvalidOptionsError('cache must be a boolean or a non-negative integer')
  }
  return cache
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}
