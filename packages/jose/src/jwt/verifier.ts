// The compiled verifying path: key import, the allow-list, the key checks and the claim policy are
// done once; each distinct header is parsed once; a bounded cache can skip repeated tokens.
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import type { VerifyFn } from '../algorithms/signer.js'
import { decodeBase64url } from '../internal/base64url.js'
import { deepFreeze, isJsonObject } from '../internal/json.js'
import { LruCache } from '../internal/lru.js'
import { SegmentCache } from '../internal/segment-cache.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { allowedAlgorithm, resolveAllowed, type AllowedAlgorithms } from '../jws/algorithms.js'
import { parseHeaderSegment } from '../jws/compact.js'
import { checkCritical, understoodExtensions } from '../jws/header.js'
import { verifySignature } from '../jws/verify-signature.js'
import {
  InvalidKeyError,
  InvalidOptionsError,
  InvalidTokenError,
  JWSSignatureError,
  toJWTError,
} from '../errors.js'
import { checkClaims, checkTime, type SignedWith } from './claims.js'
import { parseClaimsBytes, type Claims } from './payload.js'
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
  /** For a single key: its verify function for `alg`, fetched on first use. */
  verify: VerifyFn | undefined
  /** For a single key: what at_hash needs to know, made once. */
  signedWith: SignedWith | undefined
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
  const maxTokenLength = limits.maxTokenLength
  const extensions = understoodExtensions(policy.crit)
  const tokens = cacheEntries > 0 ? new LruCache<string, Claims>(cacheEntries) : undefined
  const single = key instanceof Key ? key : undefined
  const headers = new SegmentCache<HeaderPlan>(HEADER_CACHE_SIZE, (segment) => {
    const header = parseHeaderSegment(segment, limits)
    checkCritical(header, extensions)
    const alg = allowedAlgorithm(header, allowed)
    const signedWith = single === undefined ? undefined : { alg, crv: single.crv }
    return { header, alg, verify: undefined, signedWith }
  })

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
      if (token.length > maxTokenLength) {
        throw new InvalidTokenError(`the token is longer than ${maxTokenLength} characters`)
      }
      const first = token.indexOf('.')
      const second = first === -1 ? -1 : token.indexOf('.', first + 1)
      if (second === -1 || token.indexOf('.', second + 1) !== -1) {
        throw new InvalidTokenError('a JWT has exactly three segments')
      }
      const plan = headers.get(token, first)
      // Decoded once, strictly: the same check as isBase64url, then the bytes are parsed below.
      const payload = decodeBase64url(token.slice(first + 1, second))
      if (payload === undefined) throw new InvalidTokenError('the payload is not base64url')
      let signedWith = plan.signedWith
      if (single !== undefined) {
        const verify = plan.verify ?? (plan.verify = single.verifierFor(plan.alg, insecure))
        if (!verify(token.slice(0, second), token.slice(second + 1))) {
          throw new JWSSignatureError('the signature does not verify')
        }
      } else {
        const used = verifySignature(
          key,
          plan.alg,
          plan.header,
          token.slice(0, second),
          token.slice(second + 1),
          insecure,
        )
        signedWith = { alg: plan.alg, crv: used.crv }
      }
      const claims = parseClaimsBytes(payload, limits)
      checkClaims(policy, plan.header, claims, signedWith)
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
