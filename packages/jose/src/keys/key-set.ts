// A JWK Set (RFC 7517 section 5) that picks the key for a token by kid, then by algorithm.
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { isJsonObject } from '../internal/json.js'
import { JOSEError, JWKError } from '../errors.js'
import { Key, type ExportOptions } from './key.js'
import { importJWK, UnsupportedKeyTypeError } from './jwk-import.js'
import type { JWKS } from './jwk-types.js'

/** The most keys a set may hold; selection is linear and a set is configuration, not a database. */
const MAX_KEYS = 1000

/**
 * A set of keys, chosen per token by its `kid`, then by the algorithm. Malformed keys are refused;
 * keys of a type this library does not know are skipped. A set holds either secret keys or
 * asymmetric keys, never both (mixing them invites algorithm confusion), and no two keys of one type
 * share a `kid`.
 *
 * @example
 * ```ts
 * const set = new jwk.KeySet({ keys: [publicJwk1, publicJwk2] })
 * jwt.decode(token, set, { algorithms: ['ES256'] })
 * ```
 */
export class KeySet {
  /** The usable keys, in the order given. */
  readonly keys: readonly Key[]

  /**
   * @param jwks - a JWK Set, or an array of Keys
   */
  constructor(jwks: JWKS | readonly Key[]) {
    const entries: readonly unknown[] = Array.isArray(jwks)
      ? jwks
      : isJsonObject(jwks) && Array.isArray(jwks.keys)
        ? jwks.keys
        : invalid('a JWK Set must be an object with a "keys" array')
    if (entries.length > MAX_KEYS) invalid(`a JWK Set may hold at most ${MAX_KEYS} keys`)
    const keys: Key[] = []
    entries.forEach((entry, index) => {
      if (entry instanceof Key) return keys.push(entry)
      try {
        return keys.push(importJWK(entry))
      } catch (err) {
        if (err instanceof UnsupportedKeyTypeError) return undefined
        const reason = err instanceof JOSEError ? err.message : 'invalid key'
        throw new JWKError(`key ${index} of the set: ${reason}`, { cause: err })
      }
    })
    const secrets = keys.filter((key) => key.type === 'secret').length
    if (secrets > 0 && secrets < keys.length) {
      invalid('a JWK Set may not mix secret and asymmetric keys')
    }
    const seen = new Set<string>()
    for (const key of keys) {
      if (key.kid === undefined) continue
      const slot = `${key.kty} ${key.crv ?? ''} ${key.kid}`
      if (seen.has(slot)) invalid('two keys of one type in the set share a kid')
      seen.add(slot)
    }
    this.keys = Object.freeze(keys)
    Object.freeze(this)
  }

  /** How many usable keys the set holds. */
  get size(): number {
    return this.keys.length
  }

  /** The keys with this `kid`. */
  get(kid: string): Key[] {
    return this.keys.filter((key) => key.kid === kid)
  }

  /**
   * The keys that can perform `op` with `alg`, narrowed to `kid` when one is given.
   *
   * @param alg - the algorithm, from the registry
   * @param kid - the token's `kid`, if it has one
   * @param op - `verify` (the default) or `sign`
   */
  candidates(
    alg: SignatureAlgorithm,
    kid: string | undefined,
    op: 'sign' | 'verify' = 'verify',
  ): Key[] {
    return this.keys.filter(
      (key) => (kid === undefined || key.kid === kid) && key.unusableReason(alg, op) === undefined,
    )
  }

  /** Exports the set as a JWKS; private members only when asked for. */
  toJWKS(options: ExportOptions = {}): JWKS {
    return { keys: this.keys.map((key) => key.toJWK(options)) }
  }
}

function invalid(message: string): never {
  throw new JWKError(message)
}
